"""Duty-of-care metrics: percentiles on known data, the weekly buckets in the viewer's
time zone, the CSV, the charts, and who sees which groups."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moderation.models import AlertEscalation, AuditLogEntry, CrisisAlert, Flag, ReviewItem
from moderation.selectors.metrics import (
    Chart,
    MetricsFilters,
    Series,
    metrics_charts,
    metrics_for,
    percentile,
)
from moderation.services.crisis import alert_raise
from moderation.templatetags.charts import nice_max, render_chart
from tests.factories import GroupFactory, MembershipFactory, make_thread, signed_in_with_mfa

pytestmark = pytest.mark.django_db

# The known data sits in this week and the last (the pages count up to the real now): this
# week's from a minute past Monday midnight UTC, so it is never in the future.
NOW = timezone.now()
THIS_MONDAY = datetime.combine(
    NOW.date() - timedelta(days=NOW.weekday()), datetime.min.time(), tzinfo=UTC
)


def _alert(group, subject, *, severity, at, ack=None, resolve=None, off_duty=False):
    """An alert raised ``at``, acknowledged and resolved so many minutes later."""
    alert = alert_raise(source="help_request", severity=severity, subject=subject, group=group)
    CrisisAlert.objects.filter(pk=alert.pk).update(
        created_at=at,
        raised_off_duty=off_duty,
        acknowledged_at=at + timedelta(minutes=ack) if ack is not None else None,
        resolved_at=at + timedelta(minutes=resolve) if resolve is not None else None,
        state="resolved" if resolve is not None else ("acknowledged" if ack else "open"),
    )
    if resolve is not None:
        ReviewItem.objects.filter(pk=alert.review_item_id).update(state="resolved")
    return alert


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 0.5, None),
        ([7], 0.95, 7.0),
        ([1, 2, 3, 4], 0.5, 2.5),
        (list(range(1, 11)), 0.5, 5.5),
        (list(range(1, 11)), 0.95, 9.55),
        ([10, 1, 5], 0.5, 5.0),  # order does not matter
    ],
)
def test_percentile_interpolates_like_percentile_cont(values, q, expected) -> None:
    assert percentile(values, q) == pytest.approx(expected) if expected else expected is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL")
def test_percentile_agrees_with_postgresql() -> None:
    values = [3.5, 1.0, 8.0, 13.0, 2.0, 21.0, 5.0, 1.0, 34.0]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v),"
            " percentile_cont(0.95) WITHIN GROUP (ORDER BY v) FROM unnest(%s::float8[]) AS v",
            [values],
        )
        median, p95 = cursor.fetchone()
    assert percentile(values, 0.5) == pytest.approx(median)
    assert percentile(values, 0.95) == pytest.approx(p95)


@pytest.fixture
def known(group, member, facilitator):
    """This week: four imminent alerts acknowledged after 2, 4, 6 and 8 minutes (one raised
    off duty), two high ones after 10 and 30, one still open. Last week: one moderate,
    resolved after an hour, escalated. Plus flags and removals."""
    monday = THIS_MONDAY + timedelta(minutes=1)
    for minutes in (2, 4, 6, 8):
        _alert(
            group,
            member,
            severity=4,
            at=monday,
            ack=minutes,
            resolve=minutes * 10,
            off_duty=minutes == 2,
        )
    _alert(group, member, severity=3, at=monday, ack=10)
    _alert(group, member, severity=3, at=monday, ack=30)
    _alert(group, member, severity=3, at=monday)  # waiting
    last_week = _alert(group, member, severity=2, at=monday - timedelta(days=6), ack=5, resolve=60)
    AlertEscalation.objects.create(
        alert=last_week,
        level=2,
        reason="late",
        recipients=1,
        created_at=monday - timedelta(days=6),
    )
    post = make_thread(author=member, group=group).posts.get()
    for when in (monday, monday, monday - timedelta(days=6)):
        flag = Flag.objects.create(
            post=post,
            reporter=MembershipFactory(group=group).user,
            reason="spam",
            weight=1,
        )
        Flag.objects.filter(pk=flag.pk).update(created_at=when)
    for action in ("post.remove", "post.remove", "post.hide"):
        AuditLogEntry.objects.create(
            actor=facilitator, action=action, group=group, created_at=monday
        )
    return group


def test_metrics_on_known_data(known, facilitator) -> None:
    metrics = metrics_for(facilitator, MetricsFilters(weeks=4), now=NOW)
    assert [week.start for week in metrics.weeks] == [
        (THIS_MONDAY - timedelta(weeks=n)).date() for n in (3, 2, 1, 0)
    ]
    this, last = metrics.weeks[-1], metrics.weeks[-2]
    imminent, high = this.by_severity[4], this.by_severity[3]
    assert (imminent.raised, imminent.acknowledged) == (4, 4)
    assert imminent.ack_median == pytest.approx(5.0)
    assert imminent.ack_p95 == pytest.approx(7.7)  # 6 + 0.85 * 2, interpolated
    assert imminent.resolve_median == pytest.approx(50.0)
    assert (high.raised, high.acknowledged, high.ack_median) == (3, 2, pytest.approx(20.0))
    assert high.resolve_median is None  # none resolved yet: nothing to measure
    assert (this.raised, this.raised_off_duty, this.flags, this.removals) == (7, 1, 2, 2)
    assert (last.raised, last.escalations, last.escalations_to_admins, last.flags) == (1, 1, 1, 1)
    assert last.by_severity[2].resolve_median == pytest.approx(60.0)
    assert metrics.open_alerts == {4: 0, 3: 3, 2: 0}
    assert metrics.unacknowledged == 1
    assert metrics.open_items == 3  # the unresolved alerts' review items
    assert (metrics.raised_total, metrics.off_duty_total, metrics.escalations_total) == (8, 1, 1)


def test_metrics_query_count_is_fixed(known, group, member, facilitator, django_assert_num_queries):
    def count_with(viewer) -> None:
        with django_assert_num_queries(6):  # alerts, escalations, flags, removals, open x2
            metrics_for(viewer, MetricsFilters(weeks=26), now=NOW)

    facilitator.__dict__["_haven_moderated"] = {group.pk}  # the memoised groups
    count_with(facilitator)
    for _ in range(5):
        _alert(group, member, severity=4, at=THIS_MONDAY + timedelta(minutes=3), ack=1, resolve=2)
    count_with(facilitator)


def test_weeks_start_on_monday_in_the_viewers_time_zone(group, member, facilitator) -> None:
    # Sunday 2025-01-12 20:00 UTC is already Monday 05:00 in Tokyo.
    _alert(group, member, severity=3, at=datetime(2025, 1, 12, 20, 0, tzinfo=UTC), ack=1)
    wednesday = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
    in_utc = metrics_for(facilitator, MetricsFilters(weeks=2), now=wednesday)
    assert [w.raised for w in in_utc.weeks] == [1, 0]
    facilitator.time_zone = "Asia/Tokyo"
    in_tokyo = metrics_for(facilitator, MetricsFilters(weeks=2), now=wednesday)
    assert [w.raised for w in in_tokyo.weeks] == [0, 1]


def test_scope_per_role(known, member, facilitator, admin_user) -> None:
    elsewhere = GroupFactory(name="Grief")
    outsider = MembershipFactory(group=elsewhere).user
    _alert(elsewhere, outsider, severity=4, at=THIS_MONDAY + timedelta(minutes=2), ack=100)
    _alert(None, outsider, severity=4, at=THIS_MONDAY + timedelta(minutes=2))  # admins' alone

    mine = metrics_for(facilitator, MetricsFilters(weeks=4), now=NOW)
    assert mine.weeks[-1].by_severity[4].raised == 4
    everything = metrics_for(admin_user, MetricsFilters(weeks=4), now=NOW)
    assert everything.weeks[-1].by_severity[4].raised == 6
    assert everything.open_alerts[4] == 2  # Grief's, acknowledged, and the admins' own
    only_grief = metrics_for(admin_user, MetricsFilters(group=elsewhere, weeks=4), now=NOW)
    assert only_grief.weeks[-1].raised == 1 and only_grief.weeks[-1].flags == 0
    with pytest.raises(Http404):
        metrics_for(facilitator, MetricsFilters(group=elsewhere), now=NOW)


def test_metrics_page_scope_and_filters(mod_client, known, admin_user) -> None:
    url = reverse("moderation:metrics")
    page = mod_client.get(url).content.decode()
    assert "Duty-of-care metrics" in page and "Raised while nobody was on duty" in page
    grief = GroupFactory(name="Grief", slug="grief")
    refused = mod_client.get(url, {"group": grief.slug}).content.decode()
    assert "Choose one of your groups in the list." in refused
    assert '<svg class="chart' not in refused
    admin = signed_in_with_mfa(Client(), admin_user)
    assert "Grief" in admin.get(url).content.decode()  # in an admin's filter
    bad = mod_client.get(url, {"weeks": "1000"}).content.decode()
    assert "Choose one of the periods in the list." in bad


def test_metrics_page_draws_accessible_charts_without_inline_styles(mod_client, known) -> None:
    page = mod_client.get(reverse("moderation:metrics"), {"weeks": 8}).content.decode()
    svgs = re.findall(r'<svg class="chart.*?</svg>', page, re.S)
    assert len(svgs) == 6
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        assert "Week starting" in svg  # the x axis is labelled
    assert " style=" not in page and "<script>" not in page.split("</head>")[1]
    assert page.count('<table class="table chart-table">') == 6
    assert "Median time to acknowledge" in page


def test_metrics_csv(mod_client, known) -> None:
    response = mod_client.get(reverse("moderation:metrics_csv"), {"weeks": 12})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 12
    this_week = rows[-1]
    assert this_week["week_start"] == THIS_MONDAY.date().isoformat()
    assert this_week["imminent_raised"] == "4" and this_week["imminent_acknowledged"] == "4"
    assert this_week["imminent_ack_median_min"] == "5.0"
    assert this_week["imminent_ack_p95_min"] == "7.7"
    assert this_week["high_resolve_median_min"] == ""  # nothing resolved: no time
    assert (this_week["raised_off_duty"], this_week["removals"], this_week["flags"]) == (
        "1",
        "2",
        "2",
    )
    assert rows[-2]["escalations_to_admins"] == "1"
    assert all(row["alerts_raised"] == "0" for row in rows[:-2])


def test_metrics_csv_refuses_other_groups(mod_client, known) -> None:
    grief = GroupFactory(name="Grief", slug="grief")
    response = mod_client.get(reverse("moderation:metrics_csv"), {"group": grief.slug})
    assert response.status_code == 400
    assert "Choose one of your groups" in response.content.decode()


# --- the SVG charts ---


def test_chart_escapes_text_and_breaks_lines_at_gaps() -> None:
    chart = Chart(
        slug="t",
        title="A <b>title</b>",
        description='Desc & "quotes"',
        kind="line",
        labels=["1 Jan", "8 Jan", "15 Jan", "22 Jan"],
        series=[Series("<Imminent>", [1.0, None, 3.0, 4.0])],
        unit="minutes",
    )
    svg = render_chart(chart)
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&lt;Imminent&gt;" in svg
    assert svg.count("<polyline") == 1  # the gap splits the line; a lone point is no line
    assert svg.count("<circle") == 3
    assert "style=" not in svg


def test_bar_chart_heights_follow_the_values() -> None:
    chart = Chart("b", "Bars", "", "bar", ["a", "b"], [Series("n", [2, 4])], "alerts")
    heights = [float(h) for h in re.findall(r'height="([\d.]+)"', str(render_chart(chart)))]
    assert heights[1] == pytest.approx(2 * heights[0])


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (3, 5), (7.7, 10), (11, 20), (240, 250)]
)
def test_axis_ends_on_a_round_number(value, top) -> None:
    assert nice_max(value) == top


def test_charts_cover_every_series(known, facilitator) -> None:
    charts = metrics_charts(metrics_for(facilitator, MetricsFilters(weeks=4), now=NOW))
    assert [c.slug for c in charts] == [
        "alerts",
        "ack-median",
        "ack-p95",
        "resolve-median",
        "resolve-p95",
        "moderation",
    ]
    ack = charts[1]
    assert [s.name for s in ack.series] == ["Imminent", "High", "Moderate"]
    assert ack.series[0].values == [None, None, None, 5.0]
