from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from groups.models import Membership
from moderation.models import AuditLogEntry, Flag, Sanction, StaffNote
from moderation.selectors.members import member_history
from moderation.services import notes as services
from moderation.services.audit import audit_record
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    make_rule,
    make_thread,
    signed_in_with_mfa,
)

pytestmark = pytest.mark.django_db

NOTE = "Said they stopped their medication last week; checked in privately."


@pytest.fixture
def elsewhere(member):
    """A private group ``member`` also belongs to, facilitated by someone else."""
    other = GroupFactory(name="Recovery circle", slug="recovery-circle", private=True)
    MembershipFactory(group=other, user=member)
    MembershipFactory(group=other, role=Membership.Role.FACILITATOR, user__handle="far_light")
    return other


@pytest.fixture
def far_facilitator(elsewhere):
    return Membership.objects.get(group=elsewhere, role=Membership.Role.FACILITATOR).user


def _fresh(user: User) -> User:
    """The same person as a new request would load them (no memoised permissions)."""
    return User.objects.get(pk=user.pk)


def _mod_client(client, user: User):
    return signed_in_with_mfa(client, user)


# --- staff_note_add ---


def test_staff_note_add_by_facilitator_is_saved_and_audited(facilitator, member, group) -> None:
    note = services.staff_note_add(
        author=facilitator, member=member, body=f"  {NOTE}  ", group=group
    )
    note.refresh_from_db()
    assert (note.member, note.author, note.group, note.body) == (member, facilitator, group, NOTE)
    entry = AuditLogEntry.objects.get(action="staff_note.add")
    assert (entry.actor, entry.target_user, entry.group) == (facilitator, member, group)
    assert entry.details == {"note_id": note.pk}
    assert NOTE not in entry.reason and NOTE not in str(entry.details)


def test_staff_note_add_takes_the_only_shared_group(facilitator, member, group) -> None:
    note = services.staff_note_add(author=facilitator, member=member, body=NOTE)
    assert note.group == group


def test_staff_note_add_asks_which_group_when_several(facilitator, member, group) -> None:
    second = GroupFactory()
    MembershipFactory(group=second, user=member)
    MembershipFactory(group=second, user=facilitator, role=Membership.Role.FACILITATOR)
    with pytest.raises(ValidationError) as refused:
        services.staff_note_add(author=_fresh(facilitator), member=member, body=NOTE)
    assert "Choose the group" in str(refused.value)
    assert not StaffNote.objects.exists()


def test_staff_note_add_refused_in_a_group_the_member_is_not_in(facilitator, member, group) -> None:
    theirs_only = GroupFactory()
    MembershipFactory(group=theirs_only, user=facilitator, role=Membership.Role.FACILITATOR)
    with pytest.raises(PermissionDenied):
        services.staff_note_add(
            author=_fresh(facilitator), member=member, body=NOTE, group=theirs_only
        )
    assert not StaffNote.objects.exists()


def test_staff_note_add_refused_for_facilitator_of_another_group(
    far_facilitator, other_member
) -> None:
    with pytest.raises(Http404):
        services.staff_note_add(author=far_facilitator, member=other_member, body=NOTE)
    assert not StaffNote.objects.exists() and not AuditLogEntry.objects.exists()


def test_staff_note_add_refused_about_a_pending_requester(facilitator, group) -> None:
    pending = MembershipFactory(group=group, status=Membership.Status.PENDING).user
    with pytest.raises(Http404):
        services.staff_note_add(author=facilitator, member=pending, body=NOTE, group=group)


@pytest.mark.parametrize("who", ["other_member", "outsider"])
def test_staff_note_add_refused_for_members(request, who, member, group) -> None:
    with pytest.raises(Http404):
        services.staff_note_add(
            author=request.getfixturevalue(who), member=member, body=NOTE, group=group
        )
    assert not StaffNote.objects.exists()


def test_staff_note_add_about_yourself_refused(facilitator, admin_user, group) -> None:
    for person in (facilitator, admin_user):
        with pytest.raises(PermissionDenied, match="yourself"):
            services.staff_note_add(author=person, member=person, body=NOTE)
    assert not StaffNote.objects.exists()


def test_staff_note_add_empty_body_refused(facilitator, member, group) -> None:
    with pytest.raises(ValidationError):
        services.staff_note_add(author=facilitator, member=member, body="   ", group=group)
    assert not StaffNote.objects.exists() and not AuditLogEntry.objects.exists()


def test_admin_writes_site_wide_and_in_any_of_the_members_groups(
    admin_user, member, elsewhere, group
) -> None:
    site = services.staff_note_add(author=admin_user, member=member, body=NOTE)
    there = services.staff_note_add(author=admin_user, member=member, body=NOTE, group=elsewhere)
    assert site.group is None and there.group == elsewhere
    with pytest.raises(PermissionDenied):
        services.staff_note_add(author=admin_user, member=member, body=NOTE, group=GroupFactory())


# --- staff_notes_read ---


@pytest.fixture
def notes(member, group, elsewhere, facilitator, far_facilitator, admin_user):
    """One note of each kind about ``member``: in ``group``, in ``elsewhere``, site-wide by
    an admin, and a group-less note by a facilitator (as left when its group is gone)."""
    return {
        "here": services.staff_note_add(
            author=facilitator, member=member, body="here", group=group
        ),
        "elsewhere": services.staff_note_add(
            author=far_facilitator, member=member, body="elsewhere", group=elsewhere
        ),
        "site": services.staff_note_add(author=admin_user, member=member, body="site"),
        "orphan": StaffNote.objects.create(member=member, author=facilitator, body="orphan"),
    }


def test_admin_reads_every_note_newest_first(admin_user, member, notes) -> None:
    read = services.staff_notes_read(reader=admin_user, member=member)
    assert [n.body for n in read] == ["orphan", "site", "elsewhere", "here"]


def test_facilitator_reads_their_groups_and_admins_site_wide_notes(
    facilitator, member, notes
) -> None:
    read = services.staff_notes_read(reader=facilitator, member=member)
    assert {n.body for n in read} == {"here", "site"}


def test_reading_notes_is_logged_with_the_notes_shown(facilitator, member, notes) -> None:
    read = services.staff_notes_read(reader=facilitator, member=member)
    entry = AuditLogEntry.objects.get(action="staff_notes.read")
    assert (entry.actor, entry.target_user, entry.group) == (facilitator, member, None)
    assert sorted(entry.details["note_ids"]) == sorted(n.pk for n in read)
    assert "here" not in entry.reason


def test_reading_no_notes_logs_nothing(facilitator, member) -> None:
    assert services.staff_notes_read(reader=facilitator, member=member) == []
    assert not AuditLogEntry.objects.filter(action="staff_notes.read").exists()


def test_notes_never_reach_the_member_they_are_about(
    facilitator, admin_user, member, group
) -> None:
    services.staff_note_add(author=admin_user, member=facilitator, body="about the facilitator")
    services.staff_note_add(author=facilitator, member=member, body="about the member")
    assert services.staff_notes_read(reader=_fresh(facilitator), member=facilitator) == []
    with pytest.raises(Http404):
        services.staff_notes_read(reader=member, member=member)
    assert not AuditLogEntry.objects.filter(action="staff_notes.read").exists()


@pytest.mark.parametrize("who", ["other_member", "outsider", "far_facilitator"])
def test_notes_hidden_from_those_without_a_shared_group(request, who, notes, other_member) -> None:
    reader = request.getfixturevalue(who)
    subject = other_member if who == "far_facilitator" else notes["here"].member
    with pytest.raises(Http404):
        services.staff_notes_read(reader=reader, member=subject)


# --- member_history ---


def _history_world(member, group, elsewhere, facilitator, admin_user, *, n: int) -> None:
    rule = make_rule(group, number=n)
    site_rule = make_rule(number=90 + n)
    for i in range(n):
        post = make_thread(author=member, group=group, title=f"Thread {i}").posts.get()
        make_thread(author=member, group=elsewhere, title=f"Elsewhere {i}")
        audit_record(
            actor=facilitator,
            action="post.remove",
            group=group,
            post=post,
            target_user=member,
            rule=rule,
            reason=f"reason {i}",
        )
        audit_record(actor=None, action="post.auto_hide", group=elsewhere, target_user=member)
        Sanction.objects.create(
            user=member,
            kind="mute",
            group=group,
            rule=rule,
            message="m",
            created_by=facilitator,
            ends_at=timezone.now() + timedelta(days=1),
        )
        Sanction.objects.create(
            user=member, kind="mute", group=elsewhere, rule=rule, message="elsewhere mute"
        )
        Sanction.objects.create(
            user=member,
            kind="suspension",
            rule=site_rule,
            message="site",
            revoked_by=admin_user,
            revoked_at=timezone.now(),
        )
        Flag.objects.create(
            post=post,
            reporter=member,
            reason="spam",
            weight=1,
            state=["upheld", "declined", "open"][i % 3],
        )


def test_member_history_shows_only_the_viewers_groups(
    member, group, elsewhere, facilitator, admin_user
) -> None:
    _history_world(member, group, elsewhere, facilitator, admin_user, n=2)
    history = member_history(_fresh(facilitator), member)
    assert history.groups == [group] and not history.site_wide
    assert {e.group for e in history.audit_entries} == {group}
    assert history.audit_entries[0].label == "Removed a post"
    assert {(s.kind, s.group) for s in history.sanctions} == {("mute", group), ("suspension", None)}
    assert {p.thread.group for p in history.recent_posts} == {group}
    assert (history.flags.total, history.flags.upheld, history.flags.declined) == (2, 1, 1)
    assert history.flags.accuracy == 50

    everything = member_history(admin_user, member)
    assert everything.site_wide and set(everything.groups) == {group, elsewhere}
    assert {e.group for e in everything.audit_entries} == {group, elsewhere}
    assert len(everything.sanctions) == 6


def test_member_history_hidden_from_facilitator_of_another_group(
    far_facilitator, other_member
) -> None:
    with pytest.raises(Http404):
        member_history(far_facilitator, other_member)


@pytest.mark.parametrize("n", [1, 6])
def test_member_history_query_count_is_fixed(
    n, member, group, elsewhere, facilitator, admin_user, django_assert_num_queries
) -> None:
    _history_world(member, group, elsewhere, facilitator, admin_user, n=n)
    for viewer, queries in ((_fresh(facilitator), 7), (admin_user, 5)):
        with django_assert_num_queries(queries):
            _touch_everything(member_history(viewer, member))


def _touch_everything(history) -> None:
    """Read every related object a page shows (a lazy load would add a query)."""
    for entry in history.audit_entries:
        str(entry.actor), str(entry.group), str(entry.post), str(entry.rule)
    for sanction in history.sanctions:
        str(sanction.group), str(sanction.rule), str(sanction.created_by), str(sanction.revoked_by)
    for post in history.recent_posts:
        str(post.thread.group)
    for group in history.groups:
        str(group)


# --- the member page ---


def test_member_page_shows_notes_and_logs_the_reading(client, facilitator, member, notes) -> None:
    page = _mod_client(client, facilitator).get(
        reverse("moderation:member", args=["Quiet_Harbour"])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "here" in html and "site" in html
    assert "elsewhere" not in html and "orphan" not in html and "Recovery circle" not in html
    assert AuditLogEntry.objects.filter(action="staff_notes.read", actor=facilitator).count() == 1


def test_member_page_adds_a_note(client, facilitator, member, group) -> None:
    url = reverse("moderation:member", args=[member.handle])
    response = _mod_client(client, facilitator).post(
        url, {"group": str(group.pk), "body": NOTE}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    html = response.content.decode()
    assert "Your note about quiet_harbour is saved." in html
    assert "Said they stopped their medication" in html
    assert StaffNote.objects.get().author == facilitator


def test_member_page_note_without_text_shows_message(client, facilitator, member, group) -> None:
    response = _mod_client(client, facilitator).post(
        reverse("moderation:member", args=[member.handle]), {"group": str(group.pk), "body": " "}
    )
    assert response.status_code == 200
    assert "Write the note first." in response.content.decode()
    assert not StaffNote.objects.exists()


def test_member_page_refuses_a_group_outside_the_list(
    client, facilitator, member, elsewhere
) -> None:
    response = _mod_client(client, facilitator).post(
        reverse("moderation:member", args=[member.handle]),
        {"group": str(elsewhere.pk), "body": NOTE},
    )
    assert "Choose one of the groups in the list." in response.content.decode()
    assert not StaffNote.objects.exists()


def test_member_page_404_for_facilitator_of_another_group(
    client, far_facilitator, other_member
) -> None:
    response = _mod_client(client, far_facilitator).get(
        reverse("moderation:member", args=[other_member.handle])
    )
    assert response.status_code == 404


def test_facilitator_never_sees_notes_about_themselves(client, facilitator, admin_user) -> None:
    services.staff_note_add(author=admin_user, member=facilitator, body="about the facilitator")
    response = _mod_client(client, facilitator).get(
        reverse("moderation:member", args=[facilitator.handle])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "about the facilitator" not in html and "never shown to you" in html
    assert "Add a staff note" not in html


def test_members_never_see_notes_anywhere(client, member, other_member, notes) -> None:
    for person in (member, other_member):
        client.force_login(person)
        pages = [
            reverse("accounts:member_card", args=[member.handle]),
            reverse("accounts:profile"),
            reverse("accounts:notifications"),
            reverse("moderation:member", args=[member.handle]),
        ]
        for url in pages:
            response = client.get(url)
            html = response.content.decode()
            for note in notes.values():
                assert f">{note.body}<" not in html, url
            assert reverse("moderation:member", args=[member.handle]) not in html
        assert client.get(pages[-1]).status_code == 403


def test_member_card_links_moderators_to_the_member_page(client, facilitator, member) -> None:
    client.force_login(facilitator)
    html = client.get(reverse("accounts:member_card", args=[member.handle])).content.decode()
    assert f'href="{reverse("moderation:member", args=[member.handle])}"' in html


# --- bad input (the house's list of naughty strings) ---


def test_staff_note_add_drops_nul_characters(facilitator, member, group) -> None:
    note = services.staff_note_add(author=facilitator, member=member, body=" a\x00b ", group=group)
    assert note.body == "ab"


def test_bad_input_staff_note_body(facilitator, member, group, monkeypatch) -> None:
    from tests.test_bad_input import Field, Form, _report, _try_all, _visitor, text

    _render_plainly(monkeypatch)

    client = signed_in_with_mfa(_visitor(), facilitator)
    url = reverse("moderation:member", args=[member.handle])
    form = Form(
        name="staff note",
        fields=[Field("body", text(limit=4000), 4000)],
        submit=lambda value: client.post(url, {"group": str(group.pk), "body": value}),
        snapshot=lambda: StaffNote.objects.count(),
        stored=lambda: {"body": StaffNote.objects.latest("id").body},
        keep=False,
    )
    problems = _try_all(form)
    assert not problems, _report(problems)


def _render_plainly(monkeypatch) -> None:
    """Skip the test client's copy of every template context (as tests/test_bad_input.py
    does): hundreds of submissions stay fast."""
    from django.template.base import Template

    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))


def test_member_page_query_count_does_not_grow_with_history(
    client, member, group, elsewhere, facilitator, admin_user
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _mod_client(client, facilitator)
    url = reverse("moderation:member", args=[member.handle])
    counts = []
    for n in (1, 5):
        _history_world(member, group, elsewhere, facilitator, admin_user, n=n)
        services.staff_note_add(author=facilitator, member=member, body=f"note {n}", group=group)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
