"""Crisis alerts as a facilitator reads them: the list of their groups' alerts (an
admin's: all), and one alert with everything needed to act on it and to account for it
afterwards (the duty-of-care record).

Visibility is ``policies.can_view_alert``'s: admins see every alert; a facilitator sees
the alerts of the groups they facilitate; an alert with no group is the admins' alone.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from groups import policies as group_policies
from groups.models import SupportGroup

from .. import policies
from ..models import AlertDelivery, AlertEscalation, AlertView, CrisisAlert, WellbeingConcern
from .members import MemberHistory, member_history
from .queue import PostContext, post_context_for

ALERT_PAGE_SIZE = 25
# Resolved alerts stay on the list this long, so a colleague can see what was done.
RECENTLY_RESOLVED = timedelta(days=7)
STATE_UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class AlertFilters:
    state: str = STATE_UNRESOLVED  # "unresolved" (open or acknowledged), a State, or ""
    severity: int | None = None
    group: SupportGroup | None = None


def visible_alerts(viewer: User) -> QuerySet[CrisisAlert]:
    alerts = CrisisAlert.objects.all()
    if not group_policies.is_admin(viewer):
        alerts = alerts.filter(group_id__in=policies.moderated_group_ids(viewer))
    return alerts


def alert_groups_for(viewer: User) -> QuerySet[SupportGroup]:
    """The groups whose alerts the viewer answers (the list's group filter)."""
    groups = SupportGroup.objects.order_by("name")
    if not group_policies.is_admin(viewer):
        groups = groups.filter(pk__in=policies.moderated_group_ids(viewer))
    return groups


def alert_list_for(
    viewer: User, filters: AlertFilters, *, page: str | int | None, now: datetime | None = None
) -> Page:
    """One page of alerts: unresolved first (most severe, then oldest), then those resolved
    in the last week, newest first. With ``state=""`` every alert, in the same order.
    Queries: count and page (after the viewer's groups, memoised)."""
    now = now or timezone.now()
    alerts = visible_alerts(viewer)
    if filters.group is not None:
        alerts = alerts.filter(group=filters.group)
    if filters.severity:
        alerts = alerts.filter(severity=filters.severity)
    if filters.state == STATE_UNRESOLVED:
        alerts = alerts.filter(
            ~Q(state=CrisisAlert.State.RESOLVED) | Q(resolved_at__gte=now - RECENTLY_RESOLVED)
        )
    elif filters.state:
        alerts = alerts.filter(state=filters.state)
    resolved_last = Case(
        When(state=CrisisAlert.State.RESOLVED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    alerts = (
        alerts.select_related("group", "subject", "post__thread", "acknowledged_by", "resolved_by")
        .annotate(resolved_last=resolved_last)
        .order_by("resolved_last", "-severity", "created_at", "-resolved_at", "id")
    )
    return Paginator(alerts, ALERT_PAGE_SIZE).get_page(page)


# --- one alert ---


@dataclass(frozen=True)
class FindingView:
    """One of the detector's findings, as the facilitator reads it."""

    number: int  # the mark's number in the highlighted text (0: not highlighted)
    phrase: str
    signal: str
    severity: str
    assertion: str  # why it does not count ("negation", "figurative", ...), or ""
    cues: list[str]
    rule: str

    @property
    def counted(self) -> bool:
        return not self.assertion


@dataclass
class AlertPage:
    alert: CrisisAlert
    context: PostContext | None  # the post in its thread (None: no post, or not readable)
    highlighted: SafeString | None  # the post's text with the findings marked
    findings: list[FindingView]
    stale_findings: bool  # the post changed since it was assessed: marks may be missing
    concerns: list[WellbeingConcern]
    history: MemberHistory | None  # None: the member is outside the viewer's groups
    views: list[AlertView]
    escalations: list[AlertEscalation]
    deliveries: list[AlertDelivery]
    events: list[tuple[datetime, str]] = field(default_factory=list)


def alert_for(viewer: User, alert_id: int) -> CrisisAlert:
    """The alert, or 404 for anyone who may not see it (as for one that does not exist)."""
    alert = get_object_or_404(
        CrisisAlert.objects.select_related(
            "group",
            "subject",
            "post__thread__group",
            "post__author",
            "review_item",
            "acknowledged_by",
            "resolved_by",
        ),
        pk=alert_id,
    )
    policies.check_view_alert(viewer, alert)
    return alert


def _findings(alert: CrisisAlert, body: str | None) -> tuple[list[FindingView], list, bool]:
    """The findings in text order, and the spans to mark in ``body``. A span is marked
    only where the body still holds the phrase the detector saw there."""
    raw = alert.findings.get("findings") if isinstance(alert.findings, dict) else None
    raw = [f for f in raw or [] if isinstance(f, dict)]
    raw.sort(key=lambda f: (_int(f.get("start")), _int(f.get("end"))))
    views, spans, stale = [], [], False
    for finding in raw:
        start, end = _int(finding.get("start")), _int(finding.get("end"))
        phrase = str(finding.get("snippet") or finding.get("text") or "")
        number = 0
        if body is not None and 0 <= start < end <= len(body):
            if not phrase or body[start:end] == phrase:
                phrase = phrase or body[start:end]
                number = len(spans) + 1
                spans.append((start, end, number, not finding.get("assertion")))
            else:
                stale = True
        elif body is not None:
            stale = True
        views.append(
            FindingView(
                number=number,
                phrase=phrase,
                signal=str(finding.get("signal") or "").replace("_", " "),
                severity=str(finding.get("severity_name") or finding.get("severity") or ""),
                assertion=str(finding.get("assertion") or ""),
                cues=[str(c) for c in finding.get("cues") or []],
                rule=str(finding.get("rule") or ""),
            )
        )
    return views, spans, stale


def _int(value: object) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def highlight(text: str, spans: list[tuple[int, int, int, bool]]) -> SafeString:
    """``text`` escaped, with each span wrapped in ``<mark>`` (numbered, and classed by
    whether the finding counted). Overlapping spans are merged into the first; line breaks
    become ``<br>``. Everything from the text is escaped: only the marks are markup."""
    out, cursor = [], 0
    for start, end, number, counted in sorted(spans):
        start = max(start, cursor)
        if start >= end:
            continue
        out.append(escape(text[cursor:start]))
        css = "finding-mark" if counted else "finding-mark finding-discounted"
        out.append(
            f'<mark class="{css}" id="finding-{number}">{escape(text[start:end])}'
            f'<sup class="finding-number">{number}</sup></mark>'
        )
        cursor = end
    out.append(escape(text[cursor:]))
    return mark_safe("".join(out).replace("\r\n", "\n").replace("\n", "<br>\n"))  # noqa: S308


def alert_page_for(viewer: User, alert: CrisisAlert) -> AlertPage:
    """Everything on the alert page. The post's context and the member's history are
    shown only where the viewer may see them (``post_context_for`` and ``member_history``
    raise ``Hidden`` otherwise, e.g. when the member has left the group). A fixed number of
    queries, whatever the alert has gathered."""
    context = None
    if alert.post_id:
        try:
            context = post_context_for(viewer, alert.post_id)
        except group_policies.Hidden:
            context = None
    body = context.post.body if context is not None else None
    findings, spans, stale = _findings(alert, body)
    history = None
    if alert.subject_id and alert.subject_id != viewer.pk:
        try:
            history = member_history(viewer, alert.subject)
        except group_policies.Hidden:
            history = None
    page = AlertPage(
        alert=alert,
        context=context,
        highlighted=highlight(body, spans) if body is not None else None,
        findings=findings,
        stale_findings=stale,
        concerns=list(
            alert.concerns.select_related("raised_by", "post__thread").order_by("created_at", "id")
        ),
        history=history,
        views=list(alert.views.select_related("viewer").order_by("viewed_at", "id")),
        escalations=list(alert.escalations.order_by("created_at", "id")),
        deliveries=list(alert.deliveries.select_related("recipient").order_by("created_at", "id")),
    )
    page.events = _timeline(page)
    return page


def _timeline(page: AlertPage) -> list[tuple[datetime, str]]:
    """The duty-of-care record in time order, in plain words."""
    alert = page.alert
    off = " while nobody was on duty" if alert.raised_off_duty else ""
    events = [(alert.created_at, f"Raised{off} ({alert.get_source_display().lower()}).")]
    for delivery in page.deliveries:
        how = " by e-mail and on screen" if delivery.emailed_at else " on screen"
        who = delivery.recipient.handle if delivery.recipient else "a former facilitator"
        level = f" (escalation level {delivery.level})" if delivery.level else ""
        events.append((delivery.created_at, f"Sent to {who}{how}{level}."))
    for escalation in page.escalations:
        people = f"{escalation.recipients} {'person' if escalation.recipients == 1 else 'people'}"
        events.append(
            (
                escalation.created_at,
                f"Escalated to {escalation.get_level_display().lower()} ({people}): "
                f"{escalation.reason}",
            )
        )
    for view in page.views:
        who = view.viewer.handle if view.viewer else "a former facilitator"
        events.append((view.viewed_at, f"Opened by {who}."))
    if alert.acknowledged_at:
        who = alert.acknowledged_by.handle if alert.acknowledged_by else "a former facilitator"
        events.append((alert.acknowledged_at, f"Acknowledged by {who}."))
    if alert.resolved_at:
        who = alert.resolved_by.handle if alert.resolved_by else "a former facilitator"
        outcome = alert.get_outcome_display() or "no outcome recorded"
        events.append((alert.resolved_at, f"Resolved by {who}: {outcome}."))
    if alert.follow_up_sent_at:
        events.append((alert.follow_up_sent_at, "Follow-up reminder sent."))
    return sorted(events, key=lambda event: event[0])


def has_open_help_request(member: User) -> bool:
    """Whether the member's own request to talk to a facilitator is still unresolved (the
    help page then confirms instead of offering the form again)."""
    return (
        CrisisAlert.objects.unresolved()
        .filter(source=CrisisAlert.Source.HELP_REQUEST, subject=member)
        .exists()
    )
