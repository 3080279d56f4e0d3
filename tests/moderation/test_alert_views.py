"""The crisis alert pages as facilitators use them: the alert with its post, findings and
the member's history; the duty-of-care record; acknowledging and resolving; the alert
list; crisis items in the review queue."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moderation.models import (
    AlertDelivery,
    AlertEscalation,
    AlertView,
    AuditLogEntry,
    CrisisAlert,
    CrisisLine,
    ReviewItem,
    WellbeingConcern,
)
from moderation.selectors.alerts import highlight
from moderation.services import flags as flag_services
from moderation.services.concerns import concern_raise
from moderation.services.crisis import alert_raise
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    give_totp,
    make_thread,
    signed_in_with_mfa,
)

pytestmark = pytest.mark.django_db

BODY = "Long day at work.\nI want to end it all tonight, I have the pills <b>ready</b>."


def _finding(body: str, phrase: str, signal: str, severity: str, assertion=None) -> dict:
    """One finding in the detector's ``Finding.to_dict()`` shape."""
    start = body.index(phrase)
    return {
        "start": start,
        "end": start + len(phrase),
        "snippet": phrase,
        "key": f"en.{signal}",
        "signal": signal,
        "severity": {"none": 0, "moderate": 2, "high": 3, "imminent": 4}[severity],
        "severity_name": severity,
        "assertion": assertion,
        "cues": [],
        "rule": None,
    }


def post_saying(group, author, body: str, title: str = "Tonight"):
    """A post with ``body``, without the alert the detector would raise on posting (the
    tests raise their own, with findings they control)."""
    post = make_thread(author=author, group=group, title=title).posts.get()
    post.body = body
    post.save(update_fields=["body"])
    return post


def make_alert(group, author, *, severity: int = 4, body: str = BODY, source="detected"):
    post = post_saying(group, author, body)
    findings = {
        "severity": severity,
        "severity_name": "imminent",
        "findings": [
            _finding(body, "want to end it all", "intent", "high"),
            _finding(body, "tonight", "timeframe", "none"),
            _finding(body, "pills", "means", "none"),
        ],
    }
    return alert_raise(
        source=source,
        severity=severity,
        subject=author,
        group=group,
        post=post,
        findings=findings,
    )


def _client_for(user) -> Client:
    return signed_in_with_mfa(Client(), user)


def _url(name: str, alert: CrisisAlert) -> str:
    return reverse(f"moderation:{name}", args=[alert.pk])


# --- the alert page ---


def test_alert_detail_shows_the_post_findings_and_member(mod_client, group, member) -> None:
    alert = make_alert(group, member)
    page = mod_client.get(_url("alert_detail", alert)).content.decode()
    assert "Imminent crisis alert" in page
    assert "Crisis language in a post" in page and "Anxiety &amp; Panic" in page
    # The matched spans are marked in the post's own words, and the post's markup escaped.
    assert '<mark class="finding-mark" id="finding-1">want to end it all' in page
    assert "&lt;b&gt;ready&lt;/b&gt;" in page and "<b>ready</b>" not in page
    assert "intent" in page and "timeframe" in page and "means" in page
    assert f'href="{reverse("moderation:member", args=[member.handle])}"' in page
    assert "Recent posts" in page  # the member's history
    assert reverse("moderation:alert_acknowledge", args=[alert.pk]) in page


def test_discounted_findings_are_marked_as_not_counted(mod_client, group, member) -> None:
    body = "Please don't kill yourself, call 988."
    post = post_saying(group, member, body)
    alert = alert_raise(
        source="detected",
        severity=2,
        subject=member,
        group=group,
        post=post,
        findings={"findings": [_finding(body, "kill yourself", "intent", "none", "supportive")]},
    )
    page = mod_client.get(_url("alert_detail", alert)).content.decode()
    assert '<mark class="finding-mark finding-discounted"' in page
    assert "Not counted: supportive" in page


def test_highlight_escapes_everything_and_merges_overlaps() -> None:
    text = 'a <script>x</script> "b" & c'
    html = highlight(text, [(2, 10, 1, True), (5, 12, 2, True), (22, 25, 3, False)])
    assert "<script>" not in html and "&lt;script&gt;" in html
    # Overlapping spans never nest: the second marks only what the first did not.
    assert html.count("<mark") == html.count("</mark>") == 3
    assert "<mark" not in html.split("</mark>")[0][html.index("<mark") + 5 :]
    assert "&quot;" in html and '"b"' not in html and "&amp; c" in html
    assert 'class="finding-mark finding-discounted" id="finding-3"' in html


def test_findings_no_longer_in_an_edited_post_are_listed_not_marked(
    mod_client, group, member
) -> None:
    alert = make_alert(group, member)
    alert.post.body = "Edited: I feel a bit better."
    alert.post.save()
    page = mod_client.get(_url("alert_detail", alert)).content.decode()
    assert "edited since it was checked" in page
    assert "<mark" not in page and "want to end it all" in page


def test_alert_detail_by_role(client, group, member, other_member, facilitator, admin_user):
    alert = make_alert(group, member)
    url = _url("alert_detail", alert)
    elsewhere = MembershipFactory(group=GroupFactory(), role="facilitator").user
    assert _client_for(facilitator).get(url).status_code == 200
    assert _client_for(admin_user).get(url).status_code == 200
    assert _client_for(elsewhere).get(url).status_code == 404
    assert _client_for(other_member).get(url).status_code in (403, 404)
    assert _client_for(member).get(url).status_code in (403, 404)
    assert client.get(url).status_code == 302  # anonymous: sign in first


def test_alert_without_a_group_is_for_admins_only(group, member, facilitator, admin_user):
    alert = alert_raise(source="help_request", severity=3, subject=member)
    assert _client_for(facilitator).get(_url("alert_detail", alert)).status_code == 404
    assert _client_for(admin_user).get(_url("alert_detail", alert)).status_code == 200
    # ...and its queue item is not in a facilitator's queue either.
    queue = _client_for(facilitator).get(reverse("moderation:review_queue")).content.decode()
    assert _url("alert_detail", alert) not in queue


def test_opening_an_alert_is_recorded_in_the_duty_of_care_record(
    mod_client, group, member, facilitator
) -> None:
    alert = make_alert(group, member)
    url = _url("alert_detail", alert)
    mod_client.get(url)
    view = AlertView.objects.get(alert=alert)
    assert view.viewer == facilitator
    page = mod_client.get(url).content.decode()  # within minutes: still one view
    assert AlertView.objects.filter(alert=alert).count() == 1
    assert f"Opened by {facilitator.handle}" in page


def test_refused_viewers_leave_no_trace(group, member) -> None:
    alert = make_alert(group, member)
    elsewhere = MembershipFactory(group=GroupFactory(), role="facilitator").user
    _client_for(elsewhere).get(_url("alert_detail", alert))
    _client_for(elsewhere).post(_url("alert_acknowledge", alert))
    assert not AlertView.objects.exists()
    alert.refresh_from_db()
    assert alert.state == CrisisAlert.State.OPEN


def test_record_lists_deliveries_escalations_and_answers(
    mod_client, group, member, facilitator, admin_user
) -> None:
    alert = make_alert(group, member)
    AlertDelivery.objects.create(alert=alert, recipient=facilitator)
    AlertEscalation.objects.create(
        alert=alert, level=2, reason="Not acknowledged within 5 minutes", recipients=1
    )
    mod_client.post(_url("alert_acknowledge", alert))
    page = mod_client.get(_url("alert_detail", alert)).content.decode()
    assert f"Sent to {facilitator.handle} on screen" in page
    assert "Escalated to admins (1 person): Not acknowledged within 5 minutes" in page
    assert f"Acknowledged by {facilitator.handle}" in page


def test_alert_detail_query_count_is_fixed(mod_client, group, member) -> None:
    alert = make_alert(group, member)

    def count() -> int:
        AlertView.objects.all().delete()  # so each visit records one view
        with CaptureQueriesContext(connection) as captured:
            assert mod_client.get(_url("alert_detail", alert)).status_code == 200
        return len(captured)

    small = count()
    for _ in range(6):
        people = MembershipFactory(group=group).user
        AlertDelivery.objects.create(alert=alert, recipient=people)
        WellbeingConcern.objects.create(
            alert=alert, raised_by=people, subject=member, post=alert.post, note="worried"
        )
        make_thread(author=member, group=group, title="more")
    assert count() == small


# --- acknowledge and resolve ---


def test_acknowledge_then_resolve(mod_client, group, member, facilitator) -> None:
    alert = make_alert(group, member)
    response = mod_client.post(_url("alert_acknowledge", alert), follow=True)
    assert "Acknowledged" in response.content.decode()
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by) == (CrisisAlert.State.ACKNOWLEDGED, facilitator)

    response = mod_client.post(
        _url("alert_resolve", alert),
        {"outcome": "reached_out", "note": "Talked with them; they are with a friend."},
        follow=True,
    )
    assert "Resolved, and recorded" in response.content.decode()
    alert.refresh_from_db()
    assert alert.state == CrisisAlert.State.RESOLVED
    assert (alert.outcome, alert.resolved_by) == ("reached_out", facilitator)
    assert alert.follow_up_due_at is not None  # an outreach outcome: a reminder follows
    assert alert.review_item.state == ReviewItem.State.RESOLVED
    assert set(
        AuditLogEntry.objects.filter(action__startswith="crisis.alert_").values_list(
            "action", flat=True
        )
    ) >= {"crisis.alert_acknowledged", "crisis.alert_resolved"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "", "note": "x"}, "Please choose what happened."),
        ({"outcome": "made_up", "note": "x"}, "Please choose one of the outcomes listed."),
        ({"outcome": "signposted", "note": "x" * 4001}, "under 4,000 characters"),
    ],
)
def test_resolve_with_bad_input_changes_nothing(mod_client, group, member, data, message) -> None:
    alert = make_alert(group, member)
    response = mod_client.post(_url("alert_resolve", alert), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "Nothing was changed" in page
    alert.refresh_from_db()
    assert alert.state == CrisisAlert.State.OPEN and not alert.outcome
    assert not AuditLogEntry.objects.filter(action="crisis.alert_resolved").exists()


def test_resolving_twice_is_refused_politely(mod_client, group, member) -> None:
    alert = make_alert(group, member)
    url = _url("alert_resolve", alert)
    mod_client.post(url, {"outcome": "false_alarm"})
    response = mod_client.post(url, {"outcome": "emergency"})
    assert "already been resolved" in response.content.decode()
    alert.refresh_from_db()
    assert alert.outcome == "false_alarm"


def test_acknowledging_twice_keeps_the_first(group, member, facilitator) -> None:
    alert = make_alert(group, member)
    colleague = MembershipFactory(group=group, role="facilitator").user
    _client_for(facilitator).post(_url("alert_acknowledge", alert))
    response = _client_for(colleague).post(_url("alert_acknowledge", alert), follow=True)
    assert "already acknowledged" in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_by == facilitator


# --- concerns: facilitators see who raised them; the member concerned never does ---


def test_concern_raiser_shown_to_facilitators_never_to_the_member(
    mod_client, client, group, member, other_member
) -> None:
    post = make_thread(author=member, group=group, title="Goodbye").posts.get()
    concern = concern_raise(
        sender=other_member, subject=member, post=post, note="They said goodbye to everyone"
    )
    alert = concern.alert
    page = mod_client.get(_url("alert_detail", alert)).content.decode()
    assert other_member.handle in page and "They said goodbye to everyone" in page
    assert "is never told who raised a concern" in page

    give_totp(member)
    client.force_login(member)
    for url in (
        _url("alert_detail", alert),
        post.thread.get_absolute_url(),
        group.get_absolute_url(),
        reverse("accounts:notifications"),
        reverse("moderation:account_standing"),
    ):
        html = client.get(url).content.decode()
        assert other_member.handle not in html, url
        assert "said goodbye to everyone" not in html, url


# --- the alert list ---


def test_alert_list_filters_and_scope(group, member, facilitator, admin_user) -> None:
    imminent = make_alert(group, member, severity=4)
    moderate = make_alert(group, member, severity=2)
    other_group = GroupFactory(name="Grief")
    elsewhere = make_alert(other_group, MembershipFactory(group=other_group).user, severity=3)
    url = reverse("moderation:alert_list")

    page = _client_for(facilitator).get(url).content.decode()
    assert _url("alert_detail", imminent) in page and _url("alert_detail", moderate) in page
    assert _url("alert_detail", elsewhere) not in page
    assert page.index(_url("alert_detail", imminent)) < page.index(_url("alert_detail", moderate))
    only_moderate = _client_for(facilitator).get(url, {"severity": 2}).content.decode()
    assert _url("alert_detail", imminent) not in only_moderate

    admin = _client_for(admin_user)
    assert _url("alert_detail", elsewhere) in admin.get(url).content.decode()
    resolved = admin.get(url, {"state": "resolved"}).content.decode()
    assert "No alerts here" in resolved
    bad = admin.get(url, {"state": "sideways"}).content.decode()
    assert "Choose one of the states in the list." in bad


def test_resolved_alerts_stay_on_the_list_for_a_week(mod_client, group, member) -> None:
    alert = make_alert(group, member)
    mod_client.post(_url("alert_resolve", alert), {"outcome": "already_safe"})
    url = reverse("moderation:alert_list")
    assert _url("alert_detail", alert) in mod_client.get(url).content.decode()
    CrisisAlert.objects.filter(pk=alert.pk).update(resolved_at=alert.created_at.replace(year=2020))
    assert _url("alert_detail", alert) not in mod_client.get(url).content.decode()


# --- the review queue ---


def test_crisis_items_top_the_queue_and_open_the_alert(mod_client, group, member) -> None:
    flagged = make_thread(author=member, group=group, title="Rude remarks").posts.get()
    flag_services.flag_create(
        reporter=MembershipFactory(group=group).user, post=flagged, reason="harassment"
    )
    alert = make_alert(group, member, severity=3)
    page = mod_client.get(reverse("moderation:review_queue")).content.decode()
    assert "High crisis alert" in page and "Not yet acknowledged" in page
    alert_link = _url("alert_detail", alert)
    assert page.index(alert_link) < page.index("Rude remarks")
    response = mod_client.get(reverse("moderation:review_item", args=[alert.review_item_id]))
    assert response.status_code == 302 and response["Location"] == alert_link


def test_crisis_line_items_show_the_line_and_its_admin_page(admin_client_mfa) -> None:
    line = CrisisLine.objects.create(
        country="GB",
        name="Samaritans",
        phone="116 123",
        source="https://www.samaritans.org/",
        last_verified=date(2024, 1, 1),
    )
    item = ReviewItem.objects.create(
        kind=ReviewItem.Kind.CRISIS_LINE, crisis_line=line, reason="Due for re-verification"
    )
    page = admin_client_mfa.get(reverse("moderation:review_queue")).content.decode()
    assert "Re-verify Samaritans (GB)" in page and "116 123" in page
    change = reverse("admin:moderation_crisisline_change", args=[line.pk])
    assert change in page
    detail = admin_client_mfa.get(reverse("moderation:review_item", args=[item.pk]))
    assert change in detail.content.decode()
