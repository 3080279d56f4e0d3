"""A member's e-mail address reaches an admin only through the logged "reveal" action on
the moderation member page, with a reason; never on a page by itself, never for a
facilitator, never in the audit log, and not in the Django admin."""

import pytest
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from accounts.services import data
from moderation.models import AuditLogEntry
from moderation.selectors.audit import action_label
from moderation.services import reveal
from tests.accounts.test_data import _rows_mentioning
from tests.factories import MembershipFactory, UserFactory, signed_in_with_mfa
from tests.test_bad_input import STRINGS, normalised

pytestmark = pytest.mark.django_db

CANARY = "canary.7f3a9c@reveal-canary.example"
REASON = "They asked us by phone to change their sign-in address."
REVEALED = "member.email_revealed"


@pytest.fixture
def member(group):
    """The group's member, with an address no page may show unless revealed."""
    return MembershipFactory(group=group, user__handle="quiet_harbour", user__email=CANARY).user


def _url(member: User) -> str:
    return reverse("moderation:member_reveal_email", args=[member.handle])


def _page(member: User) -> str:
    return reverse("moderation:member", args=[member.handle])


def _reveals() -> int:
    return AuditLogEntry.objects.filter(action=REVEALED).count()


# --- the member page ---


def test_member_page_never_shows_the_email_on_get(client, admin_user, facilitator, member) -> None:
    for viewer in (admin_user, facilitator):
        signed_in_with_mfa(client, viewer)
        response = client.get(_page(member))
        assert response.status_code == 200
        html = response.content.decode().lower()
        assert CANARY.lower() not in html and "reveal-canary" not in html
    assert _reveals() == 0


def test_member_page_offers_the_reveal_form_to_admins_only(
    client, admin_user, facilitator, member
) -> None:
    signed_in_with_mfa(client, admin_user)
    html = client.get(_page(member)).content.decode()
    assert "Reveal e-mail address" in html and f'action="{_url(member)}"' in html
    assert 'name="reason"' in html
    signed_in_with_mfa(client, facilitator)
    html = client.get(_page(member)).content.decode()
    assert "Reveal e-mail address" not in html and _url(member) not in html
    assert 'name="reason"' not in html


# --- revealing ---


def test_reveal_shows_the_address_once_and_logs_the_reason(
    admin_client_mfa, admin_user, member
) -> None:
    rows_before = sorted(_rows_mentioning(CANARY))
    response = admin_client_mfa.post(_url(member), {"reason": f"  {REASON}  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert CANARY in html and "Shown this once" in html
    assert "no-store" in response["Cache-Control"]
    entry = AuditLogEntry.objects.get(action=REVEALED)
    assert (entry.actor, entry.target_user, entry.group, entry.post) == (
        admin_user,
        member,
        None,
        None,
    )
    assert entry.reason == REASON and entry.details == {}
    # The address went nowhere: no new row holds it (not the audit entry, not a session).
    assert sorted(_rows_mentioning(CANARY)) == rows_before
    for session in Session.objects.all():
        assert CANARY not in repr(session.get_decoded())
    assert CANARY not in str(response.cookies) and CANARY not in str(admin_client_mfa.cookies)
    # The next visit shows the page without it.
    assert CANARY not in admin_client_mfa.get(_page(member)).content.decode()


def test_each_reveal_is_logged_again(admin_client_mfa, member) -> None:
    for _ in range(2):
        assert CANARY in admin_client_mfa.post(_url(member), {"reason": REASON}).content.decode()
    assert _reveals() == 2


def test_reveal_appears_in_the_audit_log_for_admins_in_plain_words(
    admin_client_mfa, facilitator, member
) -> None:
    admin_client_mfa.post(_url(member), {"reason": REASON})
    assert action_label(REVEALED) == "Revealed a member's e-mail address"
    log = admin_client_mfa.get(reverse("moderation:audit_log")).content.decode()
    assert "Revealed a member&#x27;s e-mail address" in log and REASON in log
    assert CANARY not in log
    # Site-wide: not in the log of the member's group, which its facilitator reads.
    signed_in_with_mfa(admin_client_mfa, facilitator)
    log = admin_client_mfa.get(reverse("moderation:audit_log")).content.decode()
    assert REASON not in log


def test_reveal_forbidden_to_facilitators_and_members(
    client, facilitator, member, other_member
) -> None:
    for person in (facilitator, other_member, member):
        signed_in_with_mfa(client, person)
        response = client.post(_url(member), {"reason": REASON})
        assert response.status_code == 403, person.handle
        assert CANARY not in response.content.decode()
    assert _reveals() == 0


def test_reveal_needs_sign_in_two_factor_and_post(client, admin_user, member) -> None:
    response = client.post(_url(member), {"reason": REASON})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(admin_user)  # no TOTP yet
    response = client.post(_url(member), {"reason": REASON})
    assert response.status_code == 302 and reverse("mfa_activate_totp") in response["Location"]
    signed_in_with_mfa(client, admin_user)
    response = client.get(_url(member), {"reason": REASON})
    assert response.status_code == 405 and CANARY not in response.content.decode()
    assert _reveals() == 0


def test_reveal_of_unknown_handle_is_404(admin_client_mfa) -> None:
    url = reverse("moderation:member_reveal_email", args=["nobody_here"])
    assert admin_client_mfa.post(url, {"reason": REASON}).status_code == 404
    assert _reveals() == 0


@pytest.mark.parametrize(
    "reason, message",
    [
        ("", "Give the reason you need the address."),
        ("   \n\t ", "Give the reason you need the address."),
        ("too short", "Give a reason of at least 10 characters."),
        ("\x00" * 40, "Give the reason you need the address."),
        (" \x00 short \x00 ", "Give a reason of at least 10 characters."),
        ("x" * 10_000, "at most 500 characters"),
        ("y" * 501, "at most 500 characters"),
    ],
)
def test_reveal_bad_reason_is_refused_and_reveals_nothing(
    admin_client_mfa, member, reason, message
) -> None:
    response = admin_client_mfa.post(_url(member), {"reason": reason})
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html and message in html
    assert CANARY not in html
    assert _reveals() == 0


def test_reveal_reason_of_exactly_the_limits_is_accepted(admin_client_mfa, member) -> None:
    for reason in ("a" * 10, "b" * 500):
        assert CANARY in admin_client_mfa.post(_url(member), {"reason": reason}).content.decode()
    assert sorted(AuditLogEntry.objects.values_list("reason", flat=True)) == ["a" * 10, "b" * 500]


def test_reveal_drops_nul_characters_from_the_reason(admin_client_mfa, member) -> None:
    response = admin_client_mfa.post(_url(member), {"reason": f"\x00 {REASON}\x00 "})
    assert CANARY in response.content.decode()
    assert AuditLogEntry.objects.get(action=REVEALED).reason == REASON


def test_bad_input_reveal_reason(admin_user, member, monkeypatch) -> None:
    """Every naughty string: no server error; a reason of 10 to 500 characters (after
    stripping and dropping NUL) reveals and is logged as normalised; anything else is
    refused with a message on the field, logs nothing and shows no address."""
    from django.template.base import Template

    from tests.test_bad_input import _field_error, _visitor

    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))
    client = signed_in_with_mfa(_visitor(), admin_user)
    url = _url(member)
    problems = []
    for value in [*STRINGS, "z" * 10_000]:
        with transaction.atomic():
            response = client.post(url, {"reason": value})
            html = response.content.decode(errors="replace")
            entries = list(AuditLogEntry.objects.filter(action=REVEALED))
            want = normalised(value)
            accept = 10 <= len(want) <= 500
            label = f"{value[:40]!r}"
            if response.status_code != 200:
                problems.append(f"{label}: HTTP {response.status_code}")
            elif accept and not (CANARY in html and [e.reason for e in entries] == [want]):
                problems.append(f"{label}: should reveal and log {want[:40]!r}")
            elif not accept and (entries or CANARY in html or not _field_error(html, "reason")):
                problems.append(f"{label}: should be refused on the field, logging nothing")
            transaction.set_rollback(True)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])


# --- erased accounts ---


@pytest.fixture
def erased(member) -> User:
    data.account_erase(user=member, posts="keep", password="a-long-test-password")
    erased = User.objects.get(pk=member.pk)
    assert erased.handle.startswith("former-")
    return erased


def test_erased_member_has_no_address_to_reveal(admin_client_mfa, erased) -> None:
    html = admin_client_mfa.get(_page(erased)).content.decode()
    assert "there is no e-mail address to reveal" in html
    assert 'name="reason"' not in html
    response = admin_client_mfa.post(_url(erased), {"reason": REASON})
    assert response.status_code == 200
    html = response.content.decode()
    assert "there is no e-mail address to reveal" in html and erased.email not in html
    assert _reveals() == 0


# --- the service ---


def test_member_email_reveal_returns_the_address_and_audits(admin_user, member) -> None:
    address = reveal.member_email_reveal(actor=admin_user, member=member, reason=REASON)
    assert address == CANARY
    entry = AuditLogEntry.objects.get(action=REVEALED)
    assert (entry.actor, entry.target_user, entry.reason, entry.details) == (
        admin_user,
        member,
        REASON,
        {},
    )


@pytest.mark.parametrize("who", ["facilitator", "other_member", "member"])
def test_member_email_reveal_refused_to_non_admins(request, who, member) -> None:
    actor = User.objects.get(pk=request.getfixturevalue(who).pk)
    with pytest.raises(PermissionDenied):
        reveal.member_email_reveal(actor=actor, member=member, reason=REASON)
    assert _reveals() == 0


def test_member_email_reveal_refused_to_deactivated_admin(admin_user, member) -> None:
    admin_user.is_active = False
    admin_user.save(update_fields=["is_active"])
    with pytest.raises(PermissionDenied):
        reveal.member_email_reveal(actor=admin_user, member=member, reason=REASON)


@pytest.mark.parametrize("reason", ["", "short", "\x00" * 20, "x" * 501])
def test_member_email_reveal_checks_the_reason_itself(admin_user, member, reason) -> None:
    with pytest.raises(ValidationError):
        reveal.member_email_reveal(actor=admin_user, member=member, reason=reason)
    assert _reveals() == 0


def test_member_email_reveal_refused_for_an_erased_account(admin_user, erased) -> None:
    with pytest.raises(ValidationError, match="no e-mail address to reveal"):
        reveal.member_email_reveal(actor=admin_user, member=erased, reason=REASON)
    assert _reveals() == 0


# --- the Django admin hides addresses too ---


def test_admin_user_pages_mask_the_address(client, admin_user, member) -> None:
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    assert changelist.status_code == 200
    html = changelist.content.decode()
    assert member.handle in html and CANARY not in html and "reveal-canary" not in html
    change = client.get(reverse("admin:accounts_user_change", args=[member.pk]))
    assert change.status_code == 200
    html = change.content.decode()
    assert CANARY not in html and "canary.7f3a9c" not in html
    assert "c•••@reveal-canary.example" in html
    assert f'href="{reverse("moderation:member", args=[member.handle])}"' in html
    assert 'name="email"' not in html


def test_admin_user_search_matches_an_exact_address_only(client, admin_user, member) -> None:
    UserFactory(handle="someone_else")
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_changelist")
    exact = client.get(url, {"q": CANARY.upper()}).content.decode()
    assert member.handle in exact and "someone_else" not in exact
    for partial in ("canary.7f3a9c", "reveal-canary.example", "@reveal-canary"):
        assert member.handle not in client.get(url, {"q": partial}).content.decode(), partial
    by_handle = client.get(url, {"q": "quiet_harb"}).content.decode()
    assert member.handle in by_handle and CANARY not in by_handle


def test_admin_saves_a_user_without_touching_the_address(client, admin_user, member) -> None:
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    response = client.post(
        url,
        {
            "handle": member.handle,
            "email": "hijack@example.org",  # not a field of the change form: ignored
            "bio": "Edited by an admin",
            "region": "",
            "time_zone": "UTC",
            "professional_title": "",
            "is_active": "on",
            "date_joined_0": "2024-01-01",
            "date_joined_1": "10:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert member.bio == "Edited by an admin" and member.email == CANARY


def test_admin_add_user_form_still_takes_an_address(client, admin_user) -> None:
    client.force_login(admin_user)
    add = reverse("admin:accounts_user_add")
    assert 'name="email"' in client.get(add).content.decode()
    response = client.post(
        add,
        {
            "handle": "new_harbour",
            "email": "new.harbour@example.org",
            "password1": "a kind and long passphrase",
            "password2": "a kind and long passphrase",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(handle="new_harbour").email == "new.harbour@example.org"


def test_admin_does_not_list_email_addresses(client, admin_user, member) -> None:
    from allauth.account.models import EmailAddress

    assert EmailAddress.objects.filter(email=CANARY).exists()
    assert not admin.site.is_registered(EmailAddress)
    client.force_login(admin_user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/account/emailaddress/" not in index


def test_admin_delete_confirmation_masks_the_address(client, admin_user, member) -> None:
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_user_delete", args=[member.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "c•••@reveal-canary.example" in html  # the address row is listed, masked
    assert CANARY not in html and "canary.7f3a9c" not in html
    bulk = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [member.pk]},
    )
    html = bulk.content.decode()
    assert bulk.status_code == 200 and "c•••@reveal-canary.example" in html
    assert "canary.7f3a9c" not in html
