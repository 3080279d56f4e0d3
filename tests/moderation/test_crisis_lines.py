"""Crisis lines: the right lines for a member's country (or a clear fallback), and lines
due for re-verification in the admins' queue, marked verified by an admin."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from moderation.models import AuditLogEntry, CrisisLine, ReviewItem
from moderation.selectors.crisis_lines import crisis_line_regions, lines_for
from moderation.selectors.queue import QueueFilters, review_queue_for
from moderation.services.crisis_lines import (
    crisis_line_save,
    crisis_line_verified,
    crisis_lines_review_due,
)
from moderation.tasks import crisis_lines_review_due_task
from tests.factories import UserFactory, give_totp, signed_in_with_mfa

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def _all_fresh() -> None:
    """The seeded lines, as if checked just now (so each test decides what is due)."""
    CrisisLine.objects.update(last_verified=NOW.date())


# --- which lines a member sees ---


def test_lines_for_member_shows_their_countrys_lines_with_dial_links(member) -> None:
    member.region = "GB"
    line = lines_for(member).lines[0]
    assert line.name == "Samaritans" and line.phone == "116 123"
    assert line.tel_href == "tel:116123"
    assert lines_for(member).region_name == "United Kingdom"
    assert not lines_for(member).fallback


def test_lines_for_text_line_gets_sms_link() -> None:
    us = lines_for("US").lines[0]
    assert us.tel_href == "tel:988" and us.sms_href == "sms:988"


def test_lines_for_text_keyword_line_carries_the_keyword() -> None:
    CrisisLine.objects.create(
        country="ZZ",
        name="Keyword line",
        text="Text HOME to 741 741",
        source="https://example.org",
        last_verified=date(2026, 11, 1),
    )
    assert lines_for("ZZ").lines[0].sms_href == "sms:741741?body=HOME"


@pytest.mark.parametrize("who", ["anonymous", "no_region"])
def test_lines_for_without_a_region_falls_back_without_queries(
    who, django_assert_num_queries
) -> None:
    from django.contrib.auth.models import AnonymousUser

    viewer = AnonymousUser() if who == "anonymous" else UserFactory.build(region="")
    with django_assert_num_queries(0):
        crisis = lines_for(viewer)
    assert crisis.fallback and crisis.region == "" and crisis.lines == []
    assert "112" in crisis.emergency_numbers and "911" in crisis.emergency_numbers
    assert crisis.find_a_helpline == "https://findahelpline.com"


def test_lines_for_country_without_lines_falls_back(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        crisis = lines_for("BR")
    assert crisis.fallback and crisis.region == "BR" and crisis.region_name == "Brazil"


@pytest.mark.parametrize("value", ["gb", " GB ", "Gb"])
def test_lines_for_accepts_any_case(value) -> None:
    assert lines_for(value).region == "GB"


@pytest.mark.parametrize("value", ["<script>", "GBR", "1A", "", None, "Ü1"])
def test_lines_for_bad_input_falls_back(value) -> None:
    crisis = lines_for(value)
    assert crisis.fallback and crisis.region == ""


def test_lines_for_leaves_out_inactive_lines() -> None:
    CrisisLine.objects.filter(country="GB").update(active=False)
    assert lines_for("GB").fallback


def test_crisis_line_regions_lists_countries_with_lines_by_name() -> None:
    CrisisLine.objects.filter(country="DE").update(active=False)
    regions = crisis_line_regions()
    codes = [code for code, _ in regions]
    assert "GB" in codes and "US" in codes and "DE" not in codes
    names = [name for _, name in regions]
    assert names == sorted(names)


# --- re-verification ---


def test_review_due_opens_one_admin_item_per_due_line(admin_user, member) -> None:
    _all_fresh()
    due = CrisisLine.objects.get(country="GB")
    due.last_verified = NOW.date() - timedelta(days=due.verify_every_days)
    due.save()
    inactive = CrisisLine.objects.get(country="US")
    inactive.last_verified, inactive.active = date(2020, 1, 1), False
    inactive.save()

    assert crisis_lines_review_due(now=NOW) == 1

    item = ReviewItem.objects.get(kind=ReviewItem.Kind.CRISIS_LINE)
    assert item.crisis_line == due and item.group is None
    assert item.severity == ReviewItem.Severity.ELEVATED
    assert item.reason.startswith("Re-verify: last checked")
    assert "Samaritans" in item.reason
    assert AuditLogEntry.objects.filter(action="crisis_line.due_for_review").count() == 1
    notices = Notification.objects.filter(kind=Notification.Kind.CRISIS_LINE_DUE)
    assert [n.recipient for n in notices] == [admin_user]  # admins only, once


def test_review_due_is_idempotent(admin_user) -> None:
    """The seeded lines are all due (seeded as checked long ago); a second run opens no
    second item per line and tells the admins nothing new."""
    first = crisis_lines_review_due(now=NOW)
    assert first == CrisisLine.objects.filter(active=True).count() > 0
    assert crisis_lines_review_due(now=NOW) == 0
    assert ReviewItem.objects.filter(kind=ReviewItem.Kind.CRISIS_LINE).count() == first
    assert Notification.objects.filter(recipient=admin_user).count() == 1


def test_review_due_nothing_due_notifies_nobody(admin_user) -> None:
    _all_fresh()
    assert crisis_lines_review_due(now=NOW) == 0
    assert not Notification.objects.exists()


def test_crisis_line_verified_dates_today_and_resolves_the_item(admin_user) -> None:
    crisis_lines_review_due(now=NOW)
    line = CrisisLine.objects.get(country="AU")
    crisis_line_verified(line=line, actor=admin_user, source="https://www.lifeline.org.au/")
    line.refresh_from_db()
    assert line.last_verified == timezone.localdate()
    assert line.source == "https://www.lifeline.org.au/"
    item = ReviewItem.objects.get(crisis_line=line)
    assert item.state == ReviewItem.State.RESOLVED and item.resolved_by == admin_user
    entry = AuditLogEntry.objects.get(action="crisis_line.verified")
    assert entry.actor == admin_user and entry.details["crisis_line"] == line.pk
    # Verified today, so not due again on the next run.
    assert crisis_lines_review_due() == 0
    assert not ReviewItem.objects.open().filter(crisis_line=line).exists()


def test_crisis_line_verified_refuses_non_admins(facilitator) -> None:
    from django.core.exceptions import PermissionDenied

    line = CrisisLine.objects.get(country="AU")
    before = line.last_verified
    with pytest.raises(PermissionDenied):
        crisis_line_verified(line=line, actor=facilitator)
    line.refresh_from_db()
    assert line.last_verified == before


def test_crisis_line_save_is_audited_and_admin_only(admin_user, facilitator) -> None:
    from django.core.exceptions import PermissionDenied

    line = CrisisLine(
        country="nz",
        name="Youthline",
        phone="0800 376 633",
        source="https://www.youthline.co.nz",
        last_verified=date(2026, 11, 1),
    )
    with pytest.raises(PermissionDenied):
        crisis_line_save(line=line, actor=facilitator)
    crisis_line_save(line=line, actor=admin_user, changed=["phone"])
    assert CrisisLine.objects.get(name="Youthline").country == "NZ"
    assert AuditLogEntry.objects.get(action="crisis_line.create").actor == admin_user


def test_crisis_line_items_are_for_admins_only(facilitator, admin_user) -> None:
    crisis_lines_review_due(now=NOW)
    mine = review_queue_for(facilitator, QueueFilters(), page=1).object_list
    assert not [i for i in mine if i.kind == ReviewItem.Kind.CRISIS_LINE]
    theirs = review_queue_for(admin_user, QueueFilters(), page=1).object_list
    assert [i for i in theirs if i.kind == ReviewItem.Kind.CRISIS_LINE]


def test_task_runs_the_review(admin_user) -> None:
    CrisisLine.objects.update(last_verified=date(2020, 1, 1))
    assert crisis_lines_review_due_task() == CrisisLine.objects.filter(active=True).count()
    assert "moderation.crisis_lines_review_due" in settings.CELERY_BEAT_SCHEDULE
    entry = settings.CELERY_BEAT_SCHEDULE["moderation.crisis_lines_review_due"]
    assert entry["task"] == "moderation.crisis_lines_review_due"


# --- the admin ---


def test_admin_lists_lines_with_due_dates(client, admin_user) -> None:
    CrisisLine.objects.filter(country="GB").update(last_verified=date(2020, 1, 1))
    give_totp(admin_user)
    client.force_login(admin_user)
    response = client.get(reverse("admin:moderation_crisisline_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Samaritans" in html and "116 123" in html and "(due now)" in html


def test_admin_action_marks_verified_today(client, admin_user) -> None:
    give_totp(admin_user)
    client.force_login(admin_user)
    crisis_lines_review_due(now=NOW)
    line = CrisisLine.objects.get(country="IE")
    response = client.post(
        reverse("admin:moderation_crisisline_changelist"),
        {"action": "mark_verified", "_selected_action": [line.pk]},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.last_verified == timezone.localdate()
    assert ReviewItem.objects.get(crisis_line=line).state == ReviewItem.State.RESOLVED


def test_crisis_line_item_page_is_for_admins_only(client, facilitator, admin_user) -> None:
    crisis_lines_review_due(now=NOW)
    item = ReviewItem.objects.filter(kind=ReviewItem.Kind.CRISIS_LINE).first()
    url = reverse("moderation:review_item", args=[item.pk])
    signed_in_with_mfa(client, facilitator)
    assert client.get(url).status_code == 404
    queue = client.get(reverse("moderation:review_queue"), {"kind": "crisis_line"})
    assert "Re-verify" not in queue.content.decode()
    signed_in_with_mfa(client, admin_user)
    response = client.get(url)
    assert response.status_code == 200 and "Re-verify: last checked" in response.content.decode()
    assert (
        client.get(reverse("moderation:review_queue"), {"kind": "crisis_line"}).status_code == 200
    )
