"""The access matrix: every URL pattern in the ``moderation`` namespace, for every role.

The patterns are walked from ``moderation.urls`` at collection time, so a new URL is
tested the moment it is added; one whose arguments this file cannot build, or a public
(non-``/mod/``) URL without a rule below, fails loudly instead of escaping.

Under ``/mod/``: anonymous visitors are sent to sign in; members and outsiders get 403
or 404; facilitators and admins without TOTP are sent to set it up (and those with it,
in a session that has not passed it, to confirm a code); a facilitator of
another group gets 404 for this group's objects (and their own, empty view of pages
without an object); the group's facilitator and admins get the page. Nobody refused
sees a reporter's handle or a staff note's body, and a refusal changes nothing.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.urls import URLPattern, URLResolver, reverse

from groups.models import Membership
from moderation import urls as moderation_urls
from moderation.models import (
    AlertView,
    AuditLogEntry,
    CrisisAlert,
    DutyShift,
    DutyStatus,
    FacilitatorNote,
    Flag,
    Resource,
    ResourcePin,
    ReviewItem,
    Sanction,
    StaffNote,
    WellbeingConcern,
)
from moderation.services import flags as flag_services
from moderation.services import notes as note_services
from moderation.services.crisis import alert_raise
from moderation.services.queue import review_open
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    give_totp,
    make_rule,
    make_thread,
    signed_in_with_mfa,
    totp_code,
)

pytestmark = pytest.mark.django_db

REPORTER = "watchful_reporter"
FLAG_NOTE = "FLAG-NOTE-they-posted-my-address"
STAFF_NOTE = "STAFF-NOTE-disclosed-a-relapse-in-dm"
CONCERN_RAISER = "worried_neighbour"
CONCERN_NOTE = "CONCERN-NOTE-said-goodbye-to-everyone"
SECRETS = (REPORTER, FLAG_NOTE, STAFF_NOTE, CONCERN_RAISER, CONCERN_NOTE)


def _walk(patterns, prefix: str = "") -> list[tuple[str, str, list[str]]]:
    """(name, route, keyword arguments) of every pattern, through includes."""
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append((entry.name, route, sorted(entry.pattern.regex.groupindex)))
    return found


PATTERNS = _walk(moderation_urls.urlpatterns)

ROLES = [
    "anonymous",
    "outsider",
    "member",
    "subject",  # the member the flags, notes and sanction are about
    "other_facilitator",
    "facilitator_no_mfa",
    "admin_no_mfa",
    "facilitator",
    "admin",
]
REFUSED_UNDER_MOD = {"outsider", "member", "subject"}
SEES_SECRETS = {"facilitator", "admin"}

# Views that answer POST only (checked: they must refuse GET with 405).
POST_ONLY = {
    "alert_acknowledge",
    "alert_resolve",
    "review_claim",
    "join_decide",
    "resource_unpin",
    "facilitator_note_delete",
    "warning_acknowledge",
    "help_talk",
    "draft_check",
    "member_reveal_email",
}

# Public pages (outside /mod/): role -> expected status; "login" = sent to sign in.
PUBLIC_RULES: dict[str, dict[str, int | str]] = {
    "flag_create": {"anonymous": "login", "*": 200},
    "resource_library": {"*": 200},
    "guide": {"*": 200},
    "resource_suggest": {"anonymous": "login", "*": 200},
    "account_standing": {"anonymous": "login", "*": 200},
    # Only the warned member acknowledges their own warning.
    "warning_acknowledge": {"anonymous": "login", "subject": 302, "*": 404},
    # "I need help now" works signed out; asking a facilitator and the draft check do not.
    "help": {"*": 200},
    "help_talk": {"anonymous": "login", "*": 302},
    "draft_check": {"anonymous": "login", "*": 200},
    # A concern about oneself is sent to the help page; anyone else gets the form (or a
    # polite refusal on it).
    "concern_post": {"anonymous": "login", "subject": 302, "*": 200},
    "concern_member": {"anonymous": "login", "subject": 302, "*": 200},
}


@dataclass
class World:
    """One group with something of every kind in it, about ``subject``."""

    group: object
    subject: object
    post: object
    flagged_item: ReviewItem
    join_item: ReviewItem
    sanction: Sanction
    facilitator_note: FacilitatorNote
    pin: ResourcePin
    suggested: Resource
    alert: CrisisAlert | None = None


@pytest.fixture
def world(group, member, other_member, facilitator, admin_user) -> World:
    rule = make_rule(group)
    post = make_thread(author=member, group=group, title="A hard week").posts.get()
    reporter = MembershipFactory(group=group, user__handle=REPORTER).user
    flag_services.flag_create(reporter=reporter, post=post, reason="personal_info", note=FLAG_NOTE)
    joiner = MembershipFactory(group=group, status=Membership.Status.PENDING)
    join_item = review_open(kind=ReviewItem.Kind.JOIN_REQUEST, group=group, membership=joiner)
    note_services.staff_note_add(author=facilitator, member=member, body=STAFF_NOTE, group=group)
    vetted = Resource.objects.create(
        title="A helpline", url="https://example.org/help", kind="hotline", state="vetted"
    )
    alert = alert_raise(
        source=CrisisAlert.Source.CONCERN, severity=3, subject=member, group=group, post=post
    )
    WellbeingConcern.objects.create(
        alert=alert,
        raised_by=MembershipFactory(group=group, user__handle=CONCERN_RAISER).user,
        subject=member,
        post=post,
        note=CONCERN_NOTE,
    )
    return World(
        alert=alert,
        group=group,
        subject=member,
        post=post,
        flagged_item=ReviewItem.objects.get(post=post, kind=ReviewItem.Kind.FLAGGED_POST),
        join_item=join_item,
        sanction=Sanction.objects.create(
            user=member,
            kind="warning",
            group=group,
            rule=rule,
            message="Please be gentle.",
            created_by=facilitator,
        ),
        facilitator_note=FacilitatorNote.objects.create(
            post=post, author=facilitator, body="Context", body_html="<p>Context</p>"
        ),
        pin=ResourcePin.objects.create(resource=vetted, group=group, pinned_by=facilitator),
        suggested=Resource.objects.create(
            title="A breathing app",
            url="https://example.org/app",
            kind="tool",
            suggested_by=other_member,
            suggested_for=group,
        ),
    )


def _kwargs(name: str, kwarg_names: list[str], w: World) -> dict:
    """Arguments pointing at ``w``'s objects, by keyword name (fails loudly for a name this
    file does not know, so a new URL cannot slip past the matrix)."""
    by_name = {
        "post_id": w.post.pk,
        "item_id": w.flagged_item.pk,
        "thread_id": w.post.thread_id,
        "handle": w.subject.handle,
        "sanction_id": w.sanction.pk,
        "note_id": w.facilitator_note.pk,
        "pin_id": w.pin.pk,
        "resource_id": w.suggested.pk,
        "slug": w.group.slug,
        "alert_id": w.alert.pk,
    }
    overrides = {
        "join_decide": {"item_id": w.join_item.pk},
        "guide": {"slug": "judging-health-information"},
    }
    kwargs = {}
    for kwarg in kwarg_names:
        if kwarg not in by_name:
            pytest.fail(
                f"URL {name!r} takes <{kwarg}>, which the access matrix can't build: "
                "add it to _kwargs in tests/moderation/test_access.py."
            )
        kwargs[kwarg] = overrides.get(name, {}).get(kwarg, by_name[kwarg])
    return kwargs


def _query(name: str, w: World) -> dict:
    """Query strings some pages need to know which group they act in."""
    return {
        "sanction_create": {"group": w.group.slug, "post": w.post.pk},
        "spam_purge": {"group": w.group.slug},
        "resource_pins": {"group": w.group.slug},
    }.get(name, {})


def _sign_in(role: str, client, request):
    if role == "anonymous":
        return client
    user = {
        "outsider": lambda: request.getfixturevalue("outsider"),
        "member": lambda: request.getfixturevalue("other_member"),
        "subject": lambda: request.getfixturevalue("member"),
        "other_facilitator": lambda: (
            MembershipFactory(
                group=GroupFactory(name="Grief"), role=Membership.Role.FACILITATOR
            ).user
        ),
        "facilitator_no_mfa": lambda: request.getfixturevalue("facilitator"),
        "admin_no_mfa": lambda: request.getfixturevalue("admin_user"),
        "facilitator": lambda: request.getfixturevalue("facilitator"),
        "admin": lambda: request.getfixturevalue("admin_user"),
    }[role]()
    if role.endswith("_no_mfa"):
        client.force_login(user)
        return client
    # Members too: the role, not the missing second factor, refuses them.
    return signed_in_with_mfa(client, user)


def _state() -> tuple:
    """What a refused request must not change."""
    return (
        AuditLogEntry.objects.count(),
        StaffNote.objects.count(),
        Sanction.objects.filter(revoked_at__isnull=True, acknowledged_at__isnull=True).count(),
        ReviewItem.objects.filter(state="open", claimed_by__isnull=True).count(),
        ResourcePin.objects.count(),
        FacilitatorNote.objects.count(),
        Flag.objects.filter(state="open").count(),
        Resource.objects.filter(state="suggested").count(),
        CrisisAlert.objects.filter(state="open").count(),
        AlertView.objects.count(),
        DutyStatus.objects.count(),
        DutyShift.objects.count(),
    )


# Pages only admins use: a facilitator is answered as if they did not exist.
ADMIN_ONLY = {"site_rules_manage"}
# Actions only admins may take: a facilitator is refused (403); the member page exists.
ADMIN_ONLY_ACTIONS = {"member_reveal_email"}


def _expectation(name: str, url: str, role: str, scoped: bool) -> int | str:
    if not url.startswith("/mod/"):
        if name not in PUBLIC_RULES:
            pytest.fail(
                f"Public moderation URL {name!r} ({url}) has no rule: add one to PUBLIC_RULES "
                "in tests/moderation/test_access.py."
            )
        rules = PUBLIC_RULES[name]
        return rules.get(role, rules["*"])
    if role == "anonymous":
        return "login"
    if role in REFUSED_UNDER_MOD:
        return "refused"
    if role.endswith("_no_mfa"):
        return "mfa"
    if name in ADMIN_ONLY and role != "admin":
        return 404
    if name in ADMIN_ONLY_ACTIONS and role != "admin":
        return "refused"
    if role == "other_facilitator":
        return 404 if scoped else 200
    return 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "route", "kwarg_names"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_access(client, request, world, name, route, kwarg_names, role) -> None:
    assert name, f"Every moderation URL needs a name; {route!r} has none."
    kwargs = _kwargs(name, kwarg_names, world)
    query = _query(name, world)
    url = reverse(f"moderation:{name}", kwargs=kwargs)
    expected = _expectation(name, url, role, scoped=bool(kwargs or query))
    full = f"{url}?{urlencode(query)}" if query else url
    client = _sign_in(role, client, request)
    before = _state()

    method = client.post if name in POST_ONLY else client.get
    response = method(full)
    status, location = response.status_code, response.get("Location", "")
    where = f"{role} {'POST' if name in POST_ONLY else 'GET'} {full}"
    if expected == 200 and name not in POST_ONLY and status == 302 and location.startswith("/mod/"):
        # A page may hand over to another moderation page (a flagged post's review item
        # opens the post's moderation page): that page must then open.
        response = client.get(location)
        status, where = response.status_code, f"{where} -> {location}"

    if expected == "login":
        assert status == 302 and location.startswith(reverse("account_login")), where
    elif expected == "mfa":
        assert status == 302 and location.startswith(reverse("mfa_activate_totp")), where
    elif expected == "refused":
        assert status in (403, 404), f"{where}: {status}"
    elif expected == 200 and name in POST_ONLY:
        # An empty POST: done (redirect) or the form again with its messages.
        assert status in (200, 302), f"{where}: {status}"
        assert not location.startswith((reverse("account_login"), reverse("mfa_activate_totp")))
    else:
        assert status == expected, f"{where}: expected {expected}, got {status}"

    if status != 200 or role not in SEES_SECRETS or not url.startswith("/mod/"):
        html = response.content.decode()
        for secret in SECRETS:
            assert secret not in html, f"{where} shows {secret!r}"
    if expected in ("login", "mfa", "refused", 404):
        assert _state() == before, f"{where} changed something"


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_post_only_views_refuse_get(admin_client_mfa, world, name) -> None:
    kwarg_names = next(k for n, _, k in PATTERNS if n == name)
    url = reverse(f"moderation:{name}", kwargs=_kwargs(name, kwarg_names, world))
    assert admin_client_mfa.get(url).status_code == 405


def test_the_matrix_sees_every_pattern() -> None:
    """The walk found the patterns (a broken walk would make the matrix vacuous)."""
    names = {name for name, _, _ in PATTERNS}
    assert {"flag_create", "audit_log", "member"} <= names
    assert len(names) == len(PATTERNS), "two moderation URLs share a name"


def test_an_unbuildable_or_unruled_url_fails_loudly(world) -> None:
    with pytest.raises(pytest.fail.Exception, match="can't build"):
        _kwargs("new_page", ["widget_id"], world)
    with pytest.raises(pytest.fail.Exception, match="has no rule"):
        _expectation("new_public_page", "/somewhere/", "member", scoped=False)


# --- The second factor must be passed in THIS session, not only set up ---


def test_totp_set_up_but_not_passed_in_this_session_is_asked_for_a_code(client, facilitator):
    secret = give_totp(facilitator)
    client.force_login(facilitator)  # a session with no two-factor step in its records
    url = reverse("moderation:review_queue")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_reauthenticate')}?{urlencode({'next': url})}"
    assert client.get(reverse("moderation:audit_log")).status_code == 302

    # Confirming a code through allauth's own page opens the area, and returns to the page;
    # the session gets a new key, as at sign-in.
    before = client.cookies["sessionid"].value
    confirmed = client.post(response["Location"], {"code": totp_code(secret)})
    assert confirmed.status_code == 302 and confirmed["Location"] == url
    assert client.cookies["sessionid"].value != before
    assert client.get(url).status_code == 200


def test_a_wrong_code_does_not_open_the_area(client, facilitator):
    secret = give_totp(facilitator)
    client.force_login(facilitator)
    url = reverse("moderation:review_queue")
    gate = client.get(url)["Location"]
    wrong = f"{(int(totp_code(secret)) + 1) % 10**6:06d}"
    assert client.post(gate, {"code": wrong}).status_code == 200  # the form, with an error
    assert client.get(url).status_code == 302


def test_a_suspended_member_cannot_flag(group, member, other_member, facilitator) -> None:
    """Found by the authorisation matrix (tests/authz): a suspension stops flagging as it
    stops posting and reacting; a mute in a group does not (flagging harm stays open)."""
    from django.core.exceptions import PermissionDenied

    from groups import policies as group_policies
    from moderation import policies

    post = make_thread(author=member, group=group).posts.get()
    rule = make_rule(group)
    sanction = Sanction.objects.create(
        user=other_member, kind="mute", group=group, rule=rule, message="-", created_by=facilitator
    )
    assert policies.can_flag(other_member, post)
    sanction.kind = "suspension"
    sanction.save()
    group_policies.forget_viewer_facts(other_member)
    assert not policies.can_flag(other_member, post)
    with pytest.raises(PermissionDenied):
        flag_services.flag_create(reporter=other_member, post=post, reason="spam")
