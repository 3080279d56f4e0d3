from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from accounts.models import User
from moderation.models import AuditLogEntry
from moderation.selectors.audit import AuditFilters, action_label, audit_log_for
from moderation.services.audit import audit_record
from tests.factories import GroupFactory, MembershipFactory, give_totp, make_rule, make_thread

pytestmark = pytest.mark.django_db

URL = "/mod/log/"


@pytest.fixture
def other_group(db):
    return GroupFactory(name="Grief", slug="grief")


@pytest.fixture
def entries(group, other_group, facilitator, member, admin_user):
    """One entry in the facilitator's group, one in another group, one site-wide."""
    return {
        "here": audit_record(
            actor=facilitator, action="post.approve", group=group, target_user=member
        ),
        "there": audit_record(actor=None, action="post.auto_hide", group=other_group),
        "site": audit_record(actor=admin_user, action="staff_notes.read", target_user=member),
    }


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def _ids(page) -> set[int]:
    return {entry.pk for entry in page.object_list}


def test_admin_reads_every_entry(admin_user, entries) -> None:
    page = audit_log_for(admin_user, filters=AuditFilters(), page=1)
    assert _ids(page) == {e.pk for e in entries.values()}


def test_facilitator_reads_only_their_groups(facilitator, entries) -> None:
    page = audit_log_for(facilitator, filters=AuditFilters(), page=1)
    assert _ids(page) == {entries["here"].pk}


def test_facilitator_filtering_by_another_group_gets_nothing(facilitator, other_group, entries):
    page = audit_log_for(facilitator, filters=AuditFilters(group=other_group), page=1)
    assert not page.object_list


def test_audit_log_refuses_members(member, entries) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        audit_log_for(member, filters=AuditFilters(), page=1)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"action": "post.auto_hide"}, {"there"}),
        ({"actor": "HARBOURLIGHT"}, {"here"}),
        ({"target": "quiet_harbour"}, {"here", "site"}),
        ({"target": "slow_tide"}, set()),
    ],
)
def test_audit_log_filters(admin_user, entries, filters, expected) -> None:
    page = audit_log_for(admin_user, filters=AuditFilters(**filters), page=1)
    assert _ids(page) == {entries[name].pk for name in expected}


def test_audit_log_group_filter(admin_user, other_group, entries) -> None:
    page = audit_log_for(admin_user, filters=AuditFilters(group=other_group), page=1)
    assert _ids(page) == {entries["there"].pk}


def test_audit_log_date_range_is_in_the_viewers_time_zone(admin_user) -> None:
    admin_user.time_zone = "Pacific/Auckland"  # UTC+13 in March
    # 11 March 00:30 in Auckland
    late = AuditLogEntry.objects.create(
        action="x.late", created_at=datetime(2025, 3, 10, 11, 30, tzinfo=UTC)
    )
    # 10 March 23:30 in Auckland
    early = AuditLogEntry.objects.create(
        action="x.early", created_at=datetime(2025, 3, 10, 10, 30, tzinfo=UTC)
    )
    day = date(2025, 3, 11)
    page = audit_log_for(admin_user, filters=AuditFilters(since=day, until=day), page=1)
    assert _ids(page) == {late.pk}
    page = audit_log_for(admin_user, filters=AuditFilters(until=date(2025, 3, 10)), page=1)
    assert _ids(page) == {early.pk}


def test_audit_log_pages_by_fifty_newest_first(admin_user) -> None:
    for i in range(51):
        audit_record(actor=None, action="post.auto_hide", reason=f"entry {i}")
    first = audit_log_for(admin_user, filters=AuditFilters(), page=1)
    second = audit_log_for(admin_user, filters=AuditFilters(), page=2)
    assert len(first.object_list) == 50 and len(second.object_list) == 1
    assert first.object_list[0].reason == "entry 50"
    assert second.object_list[0].reason == "entry 0"


@pytest.mark.parametrize("n", [2, 40])
def test_audit_log_query_count_is_fixed(n, group, facilitator, member, django_assert_num_queries):
    rule = make_rule(group)
    post = make_thread(author=member, group=group).posts.get()
    for _ in range(n):
        audit_record(
            actor=facilitator, action="post.remove", group=group, post=post,
            target_user=member, rule=rule, reason="r",
        )  # fmt: skip
    viewer = _fresh(facilitator)
    with django_assert_num_queries(3):  # the viewer's groups, the count, the page
        page = audit_log_for(viewer, filters=AuditFilters(), page=1)
        for entry in page.object_list:
            str(entry.actor), str(entry.target_user), str(entry.group), str(entry.post)
            str(entry.rule), entry.label


def test_action_label_is_plain_words_even_for_unknown_actions() -> None:
    assert action_label("post.auto_hide") == "Hid a post automatically (flag threshold reached)"
    assert action_label("thread.slow_mode_set") == "Thread slow mode set"


# --- the page ---


def test_audit_page_shows_each_column(mod_client, facilitator, group, member) -> None:
    facilitator.time_zone = "America/New_York"
    facilitator.save(update_fields=["time_zone"])
    rule = make_rule(group, number=3, title="No medical advice")
    post = make_thread(author=member, group=group).posts.get()
    AuditLogEntry.objects.create(
        actor=None,
        action="post.auto_hide",
        group=group,
        post=post,
        target_user=member,
        rule=rule,
        reason="Flag score 3 reached the group's threshold of 3.",
        created_at=datetime(2025, 1, 15, 17, 5, tzinfo=UTC),
    )
    html = mod_client.get(URL).content.decode()
    assert "15 Jan 2025, 12:05" in html and "(15 Jan 17:05 UTC)" in html
    assert "America/New_York" in html
    assert "Haven</span>" in html
    assert "<td>Hid a post automatically (flag threshold reached)</td>" in html
    assert f'href="{reverse("moderation:member", args=["quiet_harbour"])}"' in html
    assert group.name.replace("&", "&amp;") in html
    assert f'href="{post.get_absolute_url()}"' in html
    assert "rule 3: No medical advice" in html
    assert "threshold of 3." in html


def test_audit_page_filters_from_the_query_string(admin_client_mfa, entries) -> None:
    html = admin_client_mfa.get(URL).content.decode()
    assert "<td>Approved a post</td>" in html and "<td>Read staff notes</td>" in html
    html = admin_client_mfa.get(
        URL, {"action": "post.approve", "actor": "harbourlight"}
    ).content.decode()
    assert "<td>Approved a post</td>" in html and "<td>Read staff notes</td>" not in html
    html = admin_client_mfa.get(URL, {"actor": "nobody_here"}).content.decode()
    assert "No entries match." in html


def test_audit_page_explains_bad_filters(mod_client, entries, other_group) -> None:
    response = mod_client.get(
        URL, {"since": "2025-02-30", "until": "", "group": str(other_group.pk)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the date as year-month-day, e.g. 2026-03-14." in html
    assert "Choose one of the groups in the list." in html
    assert "Please correct the filters above." in html and "<td>Approved a post</td>" not in html
    response = mod_client.get(URL, {"since": "2025-03-02", "until": "2025-03-01"})
    assert "The end date is before the start date." in response.content.decode()


def test_audit_page_pagination_keeps_the_filters(admin_client_mfa, group) -> None:
    for _ in range(51):
        audit_record(actor=None, action="post.auto_hide", group=group)
    html = admin_client_mfa.get(URL, {"action": "post.auto_hide"}).content.decode()
    assert "Page 1 of 2" in html
    assert "?action=post.auto_hide&amp;page=2" in html


def test_audit_page_for_facilitator_omits_other_groups(mod_client, entries) -> None:
    html = mod_client.get(URL).content.decode()
    assert "<td>Approved a post</td>" in html
    assert "Grief" not in html and "Read staff notes" not in html.split("<tbody>")[1]


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_audit_page_forbidden_to_members(client, request, who, entries) -> None:
    user = request.getfixturevalue(who)
    give_totp(user)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 403
    assert "harbourlight" not in response.content.decode()


def test_audit_page_needs_two_factor(client, facilitator) -> None:
    client.force_login(facilitator)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_facilitator_of_two_groups_sees_both(client, group, other_group, entries) -> None:
    both = MembershipFactory(group=group, role="facilitator").user
    MembershipFactory(group=other_group, user=both, role="facilitator")
    page = audit_log_for(both, filters=AuditFilters(), page=1)
    assert _ids(page) == {entries["here"].pk, entries["there"].pk}


def test_bad_input_audit_filters_never_break_the_page(admin_client_mfa, entries, monkeypatch):
    from tests.test_bad_input import STRINGS

    _render_plainly(monkeypatch)

    broken = []
    for value in STRINGS:
        query = {"actor": value, "target": value, "since": value, "action": value, "page": value}
        response = admin_client_mfa.get(URL, query)
        # Nothing is a valid action code here, so every non-empty string must be refused.
        refused = "errorlist" in response.content.decode()
        if response.status_code != 200 or refused != (value != ""):
            broken.append(f"{value[:40]!r}: HTTP {response.status_code}")
    assert not broken, "\n".join(broken[:20])


def _render_plainly(monkeypatch) -> None:
    """Skip the test client's copy of every template context (as tests/test_bad_input.py
    does): hundreds of submissions stay fast."""
    from django.template.base import Template

    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))


def test_audit_page_query_count_does_not_grow_with_entries(mod_client, group, member) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rule = make_rule(group)
    post = make_thread(author=member, group=group).posts.get()
    counts = []
    for n in (1, 30):
        for _ in range(n):
            audit_record(
                actor=None, action="post.hide", group=group, post=post, target_user=member,
                rule=rule,
            )  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            assert mod_client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
