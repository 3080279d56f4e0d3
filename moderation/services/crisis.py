"""Crisis alerts: raised in the same transaction as what raised them (a post, a concern, a
request for help), then acknowledged and resolved by a facilitator; every step audited.
Delivery and escalation are ``crisis_delivery``'s; this module only registers the
dispatch after commit, so an alert the member's post created can never be lost with it.

The detector itself runs through ``services.lexicon.assess_text`` (re-exported here)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups.models import Post, SupportGroup

from .. import policies, realtime
from ..crisis import Assessment, Severity
from ..models import AlertView, CrisisAlert, ReviewItem
from ..selectors.duty import on_duty_facilitators
from . import crisis_delivery
from .audit import audit_record
from .lexicon import assess_text

__all__ = [
    "alert_acknowledge",
    "alert_for_post",
    "alert_raise",
    "alert_resolve",
    "alert_view_record",
    "assess_text",
]

FOLLOW_UP_AFTER = timedelta(hours=24)
# Repeated opening of the same alert by the same person within this is one view.
VIEW_COLLAPSE = timedelta(minutes=5)
MAX_OUTCOME_NOTE = 4000

SOURCE_REASONS = {
    CrisisAlert.Source.DETECTED: "Crisis language in a post",
    CrisisAlert.Source.CONCERN: "A member is worried about someone",
    CrisisAlert.Source.HELP_REQUEST: "A member asked to talk to a facilitator",
}

# --- raising alerts ---


def alert_raise(
    *,
    source: str,
    severity: int,
    subject: User | None,
    group: SupportGroup | None = None,
    post: Post | None = None,
    findings: dict | None = None,
    actor: User | None = None,
    reason: str = "",
) -> CrisisAlert:
    """Record an alert and its place at the top of the review queue, in the caller's
    transaction (so it commits with the post or concern, or not at all), and dispatch
    its delivery after commit. Notes whether anyone was on duty: if not, delivery
    escalates at once."""
    with transaction.atomic():
        severity = max(int(Severity.MODERATE), min(int(severity), int(Severity.IMMINENT)))
        reason = (reason or SOURCE_REASONS.get(source, "Crisis alert"))[:300]
        item = ReviewItem.objects.create(
            kind=ReviewItem.Kind.CRISIS, group=group, post=post, severity=severity, reason=reason
        )
        alert = CrisisAlert.objects.create(
            source=source,
            severity=severity,
            group=group,
            post=post,
            subject=subject,
            findings=findings or {},
            review_item=item,
            raised_off_duty=not on_duty_facilitators(group),
        )
        audit_record(
            actor=actor,
            action="crisis.alert_raised",
            group=group,
            post=post,
            target_user=subject,
            reason=reason,
            details={"alert": alert.pk, "severity": severity, "source": source},
        )
        _dispatch_on_commit(alert)
    return alert


def _dispatch_on_commit(alert: CrisisAlert) -> None:
    alert_id = alert.pk
    transaction.on_commit(lambda: crisis_delivery.alert_dispatch(alert_id), robust=True)


def _findings_of(assessment: Assessment) -> dict:
    return assessment.to_dict()


def _rule_ids(findings: dict) -> set:
    return set(findings.get("rule_ids") or [])


def alert_for_post(
    *, post: Post, assessment: Assessment, edited: bool = False
) -> CrisisAlert | None:
    """Turn a post's assessment into an alert, in the posting transaction. A post already
    carrying an unresolved alert is raised to the new severity (never lowered); an edit
    of a post whose alert was resolved alerts again only if the severity rose or the
    matched evidence changed."""
    severity = int(assessment.severity)
    if severity < Severity.MODERATE:
        return None
    group = post.thread.group
    findings = _findings_of(assessment)
    current = (
        CrisisAlert.objects.select_for_update()
        .filter(post=post, source=CrisisAlert.Source.DETECTED)
        .exclude(state=CrisisAlert.State.RESOLVED)
        .first()
    )
    if current is not None:
        if severity > current.severity:
            current.severity = severity
            current.findings = findings
            current.save(update_fields=["severity", "findings"])
            ReviewItem.objects.filter(pk=current.review_item_id).update(severity=severity)
            audit_record(
                actor=None,
                action="crisis.alert_raised",
                group=group,
                post=post,
                target_user=post.author,
                reason=f"Severity rose to {current.get_severity_display().lower()} in an edit",
                details={"alert": current.pk, "severity": severity, "source": current.source},
            )
            _dispatch_on_commit(current)
        return current
    if edited:
        last = (
            CrisisAlert.objects.filter(post=post, source=CrisisAlert.Source.DETECTED)
            .order_by("-created_at", "-pk")
            .first()
        )
        if (
            last is not None
            and severity <= last.severity
            and _rule_ids(findings) <= _rule_ids(last.findings)
        ):
            return None
    reason = SOURCE_REASONS[CrisisAlert.Source.DETECTED] + (" (after an edit)" if edited else "")
    return alert_raise(
        source=CrisisAlert.Source.DETECTED,
        severity=severity,
        subject=post.author,
        group=group,
        post=post,
        findings=findings,
        reason=reason,
    )


# --- a facilitator answers ---


def _locked(alert: CrisisAlert) -> CrisisAlert:
    return (
        CrisisAlert.objects.select_for_update(of=("self",))
        .select_related("group", "post", "subject")
        .get(pk=alert.pk)
    )


def _publish_changed(alert: CrisisAlert) -> None:
    realtime.publish_alert_on_commit(alert, event="crisis.alert_changed")


@transaction.atomic
def alert_acknowledge(*, alert: CrisisAlert, actor: User) -> CrisisAlert:
    """ "I'm on it": stops escalation and tells the other facilitators live. Acknowledging
    an alert already acknowledged or resolved changes nothing."""
    policies.check_view_alert(actor, alert)
    alert = _locked(alert)
    if alert.state != CrisisAlert.State.OPEN:
        return alert
    now = timezone.now()
    alert.state = CrisisAlert.State.ACKNOWLEDGED
    alert.acknowledged_at = now
    alert.acknowledged_by = actor
    alert.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
    ReviewItem.objects.filter(pk=alert.review_item_id).update(claimed_by=actor, claimed_at=now)
    audit_record(
        actor=actor,
        action="crisis.alert_acknowledged",
        group=alert.group,
        post=alert.post,
        target_user=alert.subject,
        details={"alert": alert.pk, "severity": alert.severity},
    )
    _publish_changed(alert)
    return alert


@transaction.atomic
def alert_resolve(*, alert: CrisisAlert, actor: User, outcome: str, note: str = "") -> CrisisAlert:
    """Close an alert with what was done. An outreach outcome schedules a follow-up
    reminder to the resolver (``FOLLOW_UP_AFTER`` later). Resolving acknowledges too if
    nobody had. A resolved alert cannot be resolved again."""
    policies.check_view_alert(actor, alert)
    if outcome not in CrisisAlert.Outcome.values:
        raise ValidationError({"outcome": "Please choose what happened."})
    note = (note or "").strip()
    if len(note) > MAX_OUTCOME_NOTE:
        raise ValidationError(
            {"note": f"Please keep the note under {MAX_OUTCOME_NOTE} characters."}
        )
    alert = _locked(alert)
    if alert.state == CrisisAlert.State.RESOLVED:
        raise PermissionDenied("This alert has already been resolved.")
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, actor
    alert.state = CrisisAlert.State.RESOLVED
    alert.resolved_at, alert.resolved_by = now, actor
    alert.outcome, alert.outcome_note = outcome, note
    if outcome in CrisisAlert.OUTREACH_OUTCOMES:
        alert.follow_up_due_at = now + FOLLOW_UP_AFTER
    alert.save()
    ReviewItem.objects.filter(pk=alert.review_item_id, state=ReviewItem.State.OPEN).update(
        state=ReviewItem.State.RESOLVED, resolved_at=now, resolved_by=actor, resolution=outcome
    )
    audit_record(
        actor=actor,
        action="crisis.alert_resolved",
        group=alert.group,
        post=alert.post,
        target_user=alert.subject,
        reason=alert.get_outcome_display(),
        details={"alert": alert.pk, "severity": alert.severity, "outcome": outcome},
    )
    _publish_changed(alert)
    return alert


def alert_view_record(*, alert: CrisisAlert, viewer: User) -> AlertView | None:
    """Record that ``viewer`` opened the alert (the duty-of-care record). Re-opening it
    within a few minutes counts as the same view."""
    policies.check_view_alert(viewer, alert)
    now = timezone.now()
    recent = AlertView.objects.filter(
        alert=alert, viewer=viewer, viewed_at__gte=now - VIEW_COLLAPSE
    )
    if recent.exists():
        return None
    return AlertView.objects.create(alert=alert, viewer=viewer, viewed_at=now)
