"""'Your data': the member's export and the erasure of their account.

Services in the house shape (keyword-only, in a transaction, side effects after commit);
``accounts/export.py`` builds the document."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from importlib import import_module
from typing import Literal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, Greatest, Replace
from django.utils import timezone

from groups.models import (
    Invitation,
    Membership,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadReadState,
    ThreadSubscription,
)
from groups.rendering import render_markdown
from moderation.models import CrisisAlert, DutyShift, DutyStatus, Flag, Resource
from moderation.services.audit import audit_record

from .. import mail
from ..export import export_json
from ..models import (
    Block,
    DataExport,
    DigestFrequency,
    Notification,
    NotificationPreference,
    User,
)
from ..realtime import publish_member_sockets_close_on_commit
from ..validators import ERASED_PREFIX

logger = logging.getLogger(__name__)

EXPORT_EVERY = timedelta(hours=1)
EXPORT_VALID_FOR = timedelta(hours=24)

REMOVED_BODY = "[removed at the member's request]"
REMOVED_TITLE = "[title removed at the member's request]"
FORMER_MEMBER = "A former member"
ERASED_EMAIL_DOMAIN = "invalid"

PostsChoice = Literal["keep", "remove"]


# --- Export ---------------------------------------------------------------------------


def export_latest(user: User) -> DataExport | None:
    """The member's most recent export, for the 'Your data' page. One query."""
    return DataExport.objects.filter(user=user).order_by("-created_at", "-pk").first()


def _purge_expired(user: User, now: datetime) -> None:
    """An expired export keeps its row (for the hourly limit) but not its content."""
    DataExport.objects.filter(user=user, expires_at__lte=now).exclude(payload="").update(payload="")


def data_exports_purge(*, now: datetime | None = None) -> int:
    """Clear the content of every expired export (beat, hourly), so a copy of someone's
    data never outlives its 24 hours in the database. Returns how many were cleared."""
    now = now or timezone.now()
    return DataExport.objects.filter(expires_at__lte=now).exclude(payload="").update(payload="")


@transaction.atomic
def export_request(*, user: User, now: datetime | None = None) -> DataExport:
    """Ask for a copy of one's data. At most one request an hour (a failed one does not
    count): otherwise ``ValidationError`` and nothing is recorded. The export is built by
    the ``accounts.data_export_build`` task, enqueued after commit (run at once in the
    embedded default). Expired exports of the member lose their content here."""
    from ..tasks import data_export_build_task  # tasks import this module

    now = now or timezone.now()
    # One request at a time per member: two quick clicks make one export.
    User.objects.select_for_update(no_key=True).filter(pk=user.pk).first()
    _purge_expired(user, now)
    recent = (
        DataExport.objects.filter(user=user, created_at__gt=now - EXPORT_VALID_FOR)
        .exclude(state=DataExport.State.FAILED)
        .filter(Q(state=DataExport.State.QUEUED) | Q(created_at__gt=now - EXPORT_EVERY))
        .exists()
    )
    if recent:
        raise ValidationError(
            "You asked for a copy of your data less than an hour ago. It is being "
            "prepared or is ready below; you can ask again an hour after your last request."
        )
    export = DataExport.objects.create(
        user=user, token=secrets.token_urlsafe(32), state=DataExport.State.QUEUED, created_at=now
    )
    export_id = export.pk
    transaction.on_commit(lambda: data_export_build_task.delay(export_id), robust=True)
    return export


def export_build(*, export_id: int, now: datetime | None = None) -> str:
    """Build one export's JSON and make it downloadable for EXPORT_VALID_FOR. Idempotent:
    a missing, ready or failed export is left alone ("missing" / "already"). A database
    hiccup propagates (the task retries); any other error marks the export failed, so
    the member can ask again at once. Returns "ready", "failed", "missing" or "already"."""
    now = now or timezone.now()
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=export_id)
            .first()
        )
        if export is None:
            return "missing"
        if export.state != DataExport.State.QUEUED:
            return "already"
        try:
            with transaction.atomic():
                payload = export_json(export.user, now=now)
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            logger.exception("Data export %s could not be built", export_id)
            export.state = DataExport.State.FAILED
            export.save(update_fields=["state"])
            return "failed"
        export.payload = payload
        export.state = DataExport.State.READY
        export.ready_at = now
        export.expires_at = now + EXPORT_VALID_FOR
        export.save(update_fields=["payload", "state", "ready_at", "expires_at"])
    return "ready"


def export_for_download(
    *, user: User, token: str, now: datetime | None = None
) -> DataExport | None:
    """The member's own export behind ``token`` if it is ready and not expired, with
    ``downloaded_at`` recorded; None otherwise (another member's token, unknown, not
    ready, expired: the caller answers 404 for all alike)."""
    now = now or timezone.now()
    if not user.is_authenticated or not token:
        return None
    export = DataExport.objects.filter(user=user, token=token).first()
    if export is None or not export.is_available(now):
        if export is not None and export.payload and export.expires_at and export.expires_at <= now:
            DataExport.objects.filter(pk=export.pk).update(payload="")
        return None
    DataExport.objects.filter(pk=export.pk).update(downloaded_at=now)
    export.downloaded_at = now
    return export


def export_filename(export: DataExport) -> str:
    handle = export.user.handle
    stamp = (export.ready_at or export.created_at).date().isoformat()
    return f"haven-export-{handle}-{stamp}.json"


# --- Erasure --------------------------------------------------------------------------


def is_erased(user: User) -> bool:
    return not user.is_active and user.email.endswith(f"@{ERASED_EMAIL_DOMAIN}")


def _check_mfa(user: User, code: str) -> None:
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        return
    code = (code or "").strip().replace(" ", "")
    if not code or not TOTP(totp).validate_code(code):
        raise ValidationError(
            {"mfa_code": "Please enter the current code from your authenticator app."}
        )


def _check_not_last_admin(user: User) -> None:
    if not user.is_staff:
        return
    admins = list(
        User.objects.select_for_update()
        .filter(is_staff=True, is_active=True)
        .values_list("pk", flat=True)
    )
    if not [pk for pk in admins if pk != user.pk]:
        raise ValidationError(
            "You are Haven's last admin, so this account can't be deleted yet. Make "
            "someone else an admin first."
        )


def _end_sessions(user: User, now: datetime) -> int:
    """Delete the member's sessions and, after commit, close their open websockets (the
    thread, notification and queue pages stop updating at once). Django keeps no index of
    sessions by user, so every live session is decoded: O(live sessions), acceptable for a
    rare action; a session store keyed by user (allauth.usersessions) would make it one
    query."""
    publish_member_sockets_close_on_commit(user.pk)
    mine = []
    for session in Session.objects.filter(expire_date__gt=now).iterator(chunk_size=500):
        try:
            data = session.get_decoded()
        except Exception:  # a corrupt session belongs to nobody
            logger.debug("Unreadable session skipped during erasure", exc_info=True)
            data = {}
        if str(data.get("_auth_user_id")) == str(user.pk):
            mine.append(session.session_key)
    # Through the session engine, so a cached copy (``cached_db`` on Redis) goes too.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in mine:
        store(session_key=key).delete()
    return len(mine)


def _remove_posts(user: User, now: datetime) -> None:
    """Soft-delete the member's posts and blank their words; the posts keep their place
    so replies keep their context. Revisions go; crisis alerts on the posts stay (a
    safety record) without the matched text."""
    mine = Post.objects.filter(author=user)
    counted = (
        mine.filter(state=Post.State.PUBLISHED, deleted_at__isnull=True, is_opening=False)
        .values("thread_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in counted:
        Thread.objects.filter(pk=row["thread_id"]).update(
            reply_count=Greatest(F("reply_count") - row["n"], 0)
        )
    PostRevision.objects.filter(post__author=user).delete()
    for alert in CrisisAlert.objects.filter(post__author=user).only("pk", "findings"):
        findings = alert.findings or {}
        for finding in findings.get("findings") or []:
            if isinstance(finding, dict):
                finding["snippet"] = ""
        CrisisAlert.objects.filter(pk=alert.pk).update(findings=findings)
    mine.update(
        body=REMOVED_BODY,
        body_html=render_markdown(REMOVED_BODY),
        content_warning="",
        deleted_at=Coalesce(F("deleted_at"), Value(now)),
        changed_at=now,
    )
    Thread.objects.filter(author=user).update(title=REMOVED_TITLE)
    Flag.objects.filter(reporter=user).update(note="")


@transaction.atomic
def account_erase(
    *,
    user: User,
    posts: PostsChoice,
    password: str,
    mfa_code: str = "",
    now: datetime | None = None,
) -> User:
    """Delete the member's account at their request. Requires their password (and the
    current TOTP code if they use two-factor authentication); refuses the last admin.
    Wrong input raises ``ValidationError`` and changes nothing.

    ``posts="keep"``: posts and threads stay, authored by "Former member". ``"remove"``:
    posts are soft-deleted with their text (and revisions, thread titles, flag notes)
    blanked; the threads stay so other members' replies keep their context.

    Either way: handle and e-mail replaced, bio, region and settings cleared, password
    unusable, inactive; notifications, preferences, subscriptions, reactions,
    memberships, exports, e-mail addresses and MFA devices deleted; sessions ended; other
    members' notifications name "A former member". The user row stays (pseudonymous) so
    the audit log, sanctions, staff notes and crisis alerts keep their link. Audited as
    ``account.erased``. Idempotent: an erased account is returned unchanged."""
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_erased(user):
        return user
    _check_erasure(user, posts=posts, password=password, mfa_code=mfa_code)
    return _erase(user, posts=posts, now=now)


def _check_erasure(user: User, *, posts: str, password: str, mfa_code: str) -> None:
    if posts not in ("keep", "remove"):
        raise ValidationError({"posts": "Please choose what happens to your posts."})
    if not password or not user.check_password(password):
        raise ValidationError({"password": "That password is not right. Nothing was changed."})
    _check_mfa(user, mfa_code)
    _check_not_last_admin(user)


def _erase(user: User, *, posts: str, now: datetime) -> User:
    """The erasure itself, on a locked, checked user row (see ``account_erase``)."""
    old_handle = user.handle
    if posts == "remove":
        _remove_posts(user, now)
    Post.objects.filter(author=user).update(author=None)
    Thread.objects.filter(author=user).update(author=None)
    PostRevision.objects.filter(edited_by=user).update(edited_by=None)
    Resource.objects.filter(suggested_by=user).update(suggested_by=None)
    Notification.objects.filter(actor=user).update(
        actor=None, message=Replace("message", Value(old_handle), Value(FORMER_MEMBER))
    )

    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    ThreadSubscription.objects.filter(user=user).delete()
    ThreadReadState.objects.filter(user=user).delete()
    Reaction.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    Invitation.objects.filter(invitee=user).delete()
    DataExport.objects.filter(user=user).delete()
    DutyShift.objects.filter(user=user).delete()
    DutyStatus.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()

    user.email = f"erased-{user.pk}@{ERASED_EMAIL_DOMAIN}"
    user.handle = f"{ERASED_PREFIX}{secrets.token_hex(6)}"
    user.bio = ""
    user.region = ""
    user.time_zone = "UTC"
    user.professional_title = ""
    user.professional_title_verified = False
    user.quiet_hours_start = None
    user.quiet_hours_end = None
    user.notifications_paused_until = None
    user.digest_frequency = DigestFrequency.OFF
    user.last_digest_at = None
    user.collapse_topics = None
    user.mute_words = ""
    user.last_login = None
    user.erasure_due_at = None
    user.erasure_posts = ""
    user.is_staff = False
    user.is_superuser = False
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    _end_sessions(user, now)

    audit_record(
        actor=user,
        action="account.erased",
        target_user=user,
        reason="At the member's request.",
        details={"posts": posts},
    )
    return user


# --- Erasure after a grace period --------------------------------------------------------

ERASURE_GRACE = timedelta(days=14)


@transaction.atomic
def account_erasure_request(
    *,
    user: User,
    posts: PostsChoice,
    password: str,
    mfa_code: str = "",
    now: datetime | None = None,
) -> User:
    """The member asks to delete their account. Checked as ``account_erase`` is (password,
    TOTP code, not the last admin; wrong input changes nothing); the account is erased
    ERASURE_GRACE later by ``account_erasures_due`` unless they sign in before then,
    which cancels it (``account_erasure_cancel``). They are signed out everywhere now and
    told the date by e-mail. Audited (without content)."""
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_erased(user):
        return user
    _check_erasure(user, posts=posts, password=password, mfa_code=mfa_code)
    user.erasure_due_at = now + ERASURE_GRACE
    user.erasure_posts = posts
    user.save(update_fields=["erasure_due_at", "erasure_posts"])
    _end_sessions(user, now)
    audit_record(
        actor=user,
        action="account.erasure_requested",
        target_user=user,
        reason="At the member's request.",
        details={"posts": posts, "due": user.erasure_due_at.isoformat()},
    )
    email, due = user.email, user.erasure_due_at
    transaction.on_commit(lambda: mail.send_erasure_scheduled_email(email, due), robust=True)
    return user


@transaction.atomic
def account_erasure_cancel(*, user: User) -> bool:
    """Signing in during the grace period keeps the account. Returns True if a pending
    erasure was cancelled. Audited."""
    cancelled = User.objects.filter(pk=user.pk, erasure_due_at__isnull=False).update(
        erasure_due_at=None, erasure_posts=""
    )
    if cancelled:
        user.erasure_due_at, user.erasure_posts = None, ""
        audit_record(
            actor=user,
            action="account.erasure_cancelled",
            target_user=user,
            reason="The member signed in during the grace period.",
        )
    return bool(cancelled)


def account_erasures_due(*, now: datetime | None = None) -> int:
    """Erase every account whose grace period has ended (beat, hourly). Each account in
    its own transaction, re-checked under a row lock, so a sign-in that cancels at the
    same moment wins or loses cleanly and a second run does nothing. Returns how many
    were erased."""
    now = now or timezone.now()
    due = User.objects.filter(erasure_due_at__lte=now).values_list("pk", flat=True)
    erased = 0
    for pk in list(due):
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=pk)
            if user.erasure_due_at is None or user.erasure_due_at > now or is_erased(user):
                continue
            _erase(user, posts=user.erasure_posts or "keep", now=now)
            erased += 1
    return erased
