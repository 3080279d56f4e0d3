"""The authentication backends, loading the signed-in member with what every page asks.

Each signed-in request loads its user once (``get_user``, from the session). The
navigation then asks the unread count, every group page whether the member verified an
e-mail address, the moderation link whether they facilitate a group, and every page with
a reply box whether a sanction stops them posting: four more queries a page. Here they
are columns of the user's own query (subqueries on indexed rows), put in the per-request
memo the policies keep (``accounts.viewer``). For sanctions the column says whether the
member has any that might be in force; only then are they read, as before. A user loaded
any other way (a consumer's fresh copy, a test's factory) has no memo and is asked as
before."""

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.models import EmailAddress
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connection
from django.utils import timezone

from groups.models import Membership

from .models import Notification, User
from .viewer import memo


def _page_facts_sql() -> str:
    """The user's row with the facts as four more columns. Raw SQL, written once: the ORM
    would build these subqueries anew on every request. Works on PostgreSQL and SQLite."""
    from moderation.models import Sanction

    user, email = User._meta.db_table, EmailAddress._meta.db_table
    notification, sanction = Notification._meta.db_table, Sanction._meta.db_table
    membership = Membership._meta.db_table
    warning = Sanction.Kind.WARNING.value
    facilitator, active = Membership.Role.FACILITATOR.value, Membership.Status.ACTIVE.value
    # A superset of ``sanctions_in_force`` (in force now, or a warning not acknowledged):
    # when it is empty so is that; when not, the policies ask which, as before.
    return f"""
        SELECT u.*,
          EXISTS (SELECT 1 FROM {email} e WHERE e.user_id = u.id AND e.verified)
            AS page_verified,
          (SELECT COUNT(*) FROM {notification} n
            WHERE n.recipient_id = u.id AND n.read_at IS NULL) AS page_unread,
          EXISTS (SELECT 1 FROM {sanction} s WHERE s.user_id = u.id AND s.revoked_at IS NULL
            AND (s.ends_at IS NULL OR s.ends_at > %s
                 OR (s.kind = '{warning}' AND s.acknowledged_at IS NULL)))
            AS page_maybe_sanctioned,
          EXISTS (SELECT 1 FROM {membership} m WHERE m.user_id = u.id
            AND m.role = '{facilitator}' AND m.status = '{active}') AS page_facilitates
        FROM {user} u WHERE u.id = %s"""  # noqa: S608 (table names and choices, no input)


@cache
def page_facts_sql() -> str:
    return _page_facts_sql()


def user_with_page_facts(user_id) -> User | None:
    """The user ``user_id`` with the facts (see the module's docstring), or None."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return next(iter(User.objects.raw(page_facts_sql(), [now, user_id])), None)


def remember_page_facts(user: User) -> User:
    """Move the annotations into the memo the policies read (and forget on change)."""
    facts = memo(user)
    facts["_haven_verified"] = bool(facts.pop("page_verified"))  # SQLite answers 0 or 1
    facts["_haven_unread"] = int(facts.pop("page_unread"))
    if not facts.pop("page_maybe_sanctioned"):
        facts["_haven_sanctions"] = []
    if not facts.pop("page_facilitates"):
        facts["_haven_moderated"] = set()  # else asked (which groups) when a page needs it
    return user


class PageFactsMixin:
    def get_user(self, user_id):
        user = user_with_page_facts(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        return remember_page_facts(user)


class ModelBackend(PageFactsMixin, DjangoModelBackend):
    """Django's (admin log-in by e-mail and password), with the page facts."""


class AuthenticationBackend(PageFactsMixin, AllauthBackend):
    """allauth's (members' log-in), with the page facts."""
