"""Duty-of-care metrics: how quickly crisis alerts are answered, and the moderation load
around them, per week, for the groups the viewer looks after (an admin: every group).

Weeks start on Monday at midnight in the viewer's time zone. An alert counts in the
week it was raised; its time to acknowledge and to resolve are measured from then.
Alerts still waiting are not in the times (they have none yet) but in "open now".
Percentiles are computed in Python with linear interpolation (PostgreSQL's
``percentile_cont``), over the window's alerts, so SQLite and PostgreSQL agree."""

import math
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from groups import policies as group_policies
from groups.models import SupportGroup

from .. import policies
from ..models import AlertEscalation, AuditLogEntry, CrisisAlert, Flag, ReviewItem

WEEK_CHOICES = (4, 8, 12, 26)
DEFAULT_WEEKS = 8
# A bound on the rows read for the percentiles (far above any real quarter's alerts).
MAX_ALERT_ROWS = 50_000
REMOVAL_ACTIONS = ("post.remove", "spam.purge")
SEVERITIES = [int(s) for s in sorted(CrisisAlert.Severity, reverse=True)]  # imminent first
SEVERITY_NAMES = {int(s): s.label for s in CrisisAlert.Severity}


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-quantile (0..1) of ``values`` by linear interpolation between the closest
    ranks, as PostgreSQL's ``percentile_cont``; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class MetricsFilters:
    group: SupportGroup | None = None
    weeks: int = DEFAULT_WEEKS


@dataclass
class Timing:
    """Times in minutes for one severity (or all) over one week (or the whole window)."""

    raised: int = 0
    ack_minutes: list[float] = field(default_factory=list)
    resolve_minutes: list[float] = field(default_factory=list)

    @property
    def acknowledged(self) -> int:
        return len(self.ack_minutes)

    @property
    def resolved(self) -> int:
        return len(self.resolve_minutes)

    @property
    def ack_median(self) -> float | None:
        return percentile(self.ack_minutes, 0.5)

    @property
    def ack_p95(self) -> float | None:
        return percentile(self.ack_minutes, 0.95)

    @property
    def resolve_median(self) -> float | None:
        return percentile(self.resolve_minutes, 0.5)

    @property
    def resolve_p95(self) -> float | None:
        return percentile(self.resolve_minutes, 0.95)


@dataclass
class Week:
    start: date  # Monday, in the viewer's time zone
    raised: int = 0
    raised_off_duty: int = 0
    escalations: int = 0
    escalations_to_admins: int = 0
    flags: int = 0
    removals: int = 0
    by_severity: dict[int, Timing] = field(
        default_factory=lambda: {severity: Timing() for severity in SEVERITIES}
    )


@dataclass
class Metrics:
    weeks: list[Week]
    overall: dict[int, Timing]  # the whole window, by severity
    open_alerts: dict[int, int]  # unresolved now, by severity
    unacknowledged: int  # open (nobody acknowledged yet) now
    open_items: int  # open review items now
    since: datetime
    tz: str
    truncated: bool  # more alerts than MAX_ALERT_ROWS in the window (never expected)

    @property
    def open_by_severity(self) -> list[tuple[str, int]]:
        return [(SEVERITY_NAMES[s], self.open_alerts.get(s, 0)) for s in SEVERITIES]

    @property
    def overall_by_severity(self) -> list[tuple[str, Timing]]:
        return [(SEVERITY_NAMES[s], self.overall[s]) for s in SEVERITIES]

    @property
    def open_alerts_total(self) -> int:
        return sum(self.open_alerts.values())

    @property
    def raised_total(self) -> int:
        return sum(week.raised for week in self.weeks)

    @property
    def off_duty_total(self) -> int:
        return sum(week.raised_off_duty for week in self.weeks)

    @property
    def escalations_total(self) -> int:
        return sum(week.escalations for week in self.weeks)


def metrics_groups_for(viewer: User) -> QuerySet[SupportGroup]:
    """The groups the viewer may see metrics for (the page's group filter)."""
    groups = SupportGroup.objects.order_by("name")
    if not group_policies.is_admin(viewer):
        groups = groups.filter(pk__in=policies.moderated_group_ids(viewer))
    return groups


def _scope(viewer: User, group: SupportGroup | None) -> list[int] | None:
    """Group ids to count (None: everything, for an admin over all groups)."""
    if group is not None:
        policies.check_moderate_in(viewer, group.pk)
        return [group.pk]
    if group_policies.is_admin(viewer):
        return None
    return sorted(policies.moderated_group_ids(viewer))


def _in(queryset: QuerySet, lookup: str, ids: list[int] | None) -> QuerySet:
    return queryset if ids is None else queryset.filter(**{f"{lookup}__in": ids})


def _zone(viewer: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(viewer.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _minutes(later: datetime | None, earlier: datetime) -> float | None:
    if later is None:
        return None
    return max(0.0, (later - earlier).total_seconds() / 60)


def _daily(queryset: QuerySet, tz: zoneinfo.ZoneInfo) -> dict[date, int]:
    """Rows per local day (grouped in the database: one query, whatever the volume)."""
    rows = (
        queryset.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


def metrics_for(viewer: User, filters: MetricsFilters, *, now: datetime | None = None) -> Metrics:
    """The metrics page's numbers. Six queries, whatever the volume: the alerts of the
    window (bounded), escalations, flags and removals per day, open alerts, open review
    items (after the viewer's groups, memoised). Raises ``Hidden`` for a group the
    viewer does not look after."""
    policies.check_moderator(viewer)
    now = now or timezone.now()
    tz = _zone(viewer)
    ids = _scope(viewer, filters.group)
    weeks_n = max(1, min(filters.weeks, max(WEEK_CHOICES)))
    today = now.astimezone(tz).date()
    first = today - timedelta(days=today.weekday() + 7 * (weeks_n - 1))
    since = datetime.combine(first, time.min, tzinfo=tz)
    weeks = [Week(start=first + timedelta(weeks=i)) for i in range(weeks_n)]

    def week_of(day: date) -> Week | None:
        index = (day - first).days // 7
        return weeks[index] if 0 <= index < weeks_n else None

    alerts = _in(CrisisAlert.objects.filter(created_at__gte=since), "group_id", ids)
    rows = list(
        alerts.order_by("created_at", "pk").values_list(
            "created_at", "severity", "acknowledged_at", "resolved_at", "raised_off_duty"
        )[: MAX_ALERT_ROWS + 1]
    )
    truncated = len(rows) > MAX_ALERT_ROWS
    overall = {severity: Timing() for severity in SEVERITIES}
    for created, severity, acknowledged, resolved, off_duty in rows[:MAX_ALERT_ROWS]:
        week = week_of(created.astimezone(tz).date())
        if week is None or severity not in overall:
            continue
        week.raised += 1
        week.raised_off_duty += bool(off_duty)
        for timing in (week.by_severity[severity], overall[severity]):
            timing.raised += 1
            if (ack := _minutes(acknowledged, created)) is not None:
                timing.ack_minutes.append(ack)
            if (done := _minutes(resolved, created)) is not None:
                timing.resolve_minutes.append(done)

    escalations = _in(AlertEscalation.objects.filter(created_at__gte=since), "alert__group_id", ids)
    for row in (
        escalations.annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if (week := week_of(row["day"])) is not None:
            week.escalations += row["n"]
            if row["level"] == AlertEscalation.Level.ADMINS:
                week.escalations_to_admins += row["n"]

    flags = _in(Flag.objects.filter(created_at__gte=since), "post__thread__group_id", ids)
    for day, n in _daily(flags, tz).items():
        if (week := week_of(day)) is not None:
            week.flags += n
    removals = _in(
        AuditLogEntry.objects.filter(created_at__gte=since, action__in=REMOVAL_ACTIONS),
        "group_id",
        ids,
    )
    for day, n in _daily(removals, tz).items():
        if (week := week_of(day)) is not None:
            week.removals += n

    open_rows = (
        _in(CrisisAlert.objects.unresolved(), "group_id", ids)
        .values("severity")
        .annotate(
            n=Count("pk"),
            waiting=Count("pk", filter=Q(state=CrisisAlert.State.OPEN)),
        )
        .order_by()
    )
    open_alerts = dict.fromkeys(SEVERITIES, 0)
    unacknowledged = 0
    for row in open_rows:
        open_alerts[row["severity"]] = open_alerts.get(row["severity"], 0) + row["n"]
        unacknowledged += row["waiting"]
    open_items = _in(ReviewItem.objects.open(), "group_id", ids).count()
    return Metrics(
        weeks=weeks,
        overall=overall,
        open_alerts=open_alerts,
        unacknowledged=unacknowledged,
        open_items=open_items,
        since=since,
        tz=str(tz),
        truncated=truncated,
    )


# --- the same numbers shaped for charts and the CSV ---


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


@dataclass(frozen=True)
class Chart:
    """What ``moderation.templatetags.charts`` draws, and the table beside it."""

    slug: str
    title: str
    description: str
    kind: str  # "line" or "bar"
    labels: list[str]
    series: list[Series]
    unit: str  # of the y axis, e.g. "minutes"
    digits: int = 0  # decimals in the table


def _label(day: date) -> str:
    return f"{day.day} {day:%b}"


def metrics_charts(metrics: Metrics) -> list[Chart]:
    labels = [_label(week.start) for week in metrics.weeks]

    def timing(attr: str) -> list[Series]:
        return [
            Series(
                SEVERITY_NAMES[severity],
                [_round(getattr(week.by_severity[severity], attr)) for week in metrics.weeks],
            )
            for severity in SEVERITIES
        ]

    span = f"per week since {metrics.since.day} {metrics.since:%B %Y}"
    return [
        Chart(
            "alerts",
            "Crisis alerts raised",
            f"Alerts raised, those raised while nobody was on duty, and escalations, {span}.",
            "bar",
            labels,
            [
                Series("Raised", [week.raised for week in metrics.weeks]),
                Series("Raised off duty", [week.raised_off_duty for week in metrics.weeks]),
                Series("Escalations", [week.escalations for week in metrics.weeks]),
            ],
            "alerts",
        ),
        Chart(
            "ack-median",
            "Median time to acknowledge",
            f"Median minutes from an alert to its acknowledgement, by severity, {span}. "
            "A gap means no alert of that severity was acknowledged that week.",
            "line",
            labels,
            timing("ack_median"),
            "minutes",
            1,
        ),
        Chart(
            "ack-p95",
            "95th percentile time to acknowledge",
            f"The time within which 95% of alerts were acknowledged, in minutes, by severity, "
            f"{span}.",
            "line",
            labels,
            timing("ack_p95"),
            "minutes",
            1,
        ),
        Chart(
            "resolve-median",
            "Median time to resolve",
            f"Median minutes from an alert to its resolution, by severity, {span}.",
            "line",
            labels,
            timing("resolve_median"),
            "minutes",
            1,
        ),
        Chart(
            "resolve-p95",
            "95th percentile time to resolve",
            f"The time within which 95% of alerts were resolved, in minutes, by severity, {span}.",
            "line",
            labels,
            timing("resolve_p95"),
            "minutes",
            1,
        ),
        Chart(
            "moderation",
            "Flags and removals",
            f"Flags raised by members and posts removed by facilitators, {span}.",
            "bar",
            labels,
            [
                Series("Flags", [week.flags for week in metrics.weeks]),
                Series("Removals", [week.removals for week in metrics.weeks]),
            ],
            "",
        ),
    ]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def metrics_csv_rows(metrics: Metrics) -> list[list[str]]:
    """One row per week (header first): the counts, then each severity's times in
    minutes (empty where there was nothing to measure)."""
    header = [
        "week_start",
        "alerts_raised",
        "raised_off_duty",
        "escalations",
        "escalations_to_admins",
        "flags",
        "removals",
    ]
    for severity in SEVERITIES:
        name = SEVERITY_NAMES[severity].lower()
        header += [
            f"{name}_raised",
            f"{name}_acknowledged",
            f"{name}_ack_median_min",
            f"{name}_ack_p95_min",
            f"{name}_resolved",
            f"{name}_resolve_median_min",
            f"{name}_resolve_p95_min",
        ]
    rows = [header]
    for week in metrics.weeks:
        row = [
            week.start.isoformat(),
            week.raised,
            week.raised_off_duty,
            week.escalations,
            week.escalations_to_admins,
            week.flags,
            week.removals,
        ]
        for severity in SEVERITIES:
            t = week.by_severity[severity]
            row += [
                t.raised,
                t.acknowledged,
                _csv(t.ack_median),
                _csv(t.ack_p95),
                t.resolved,
                _csv(t.resolve_median),
                _csv(t.resolve_p95),
            ]
        rows.append([str(value) for value in row])
    return rows


def _csv(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"
