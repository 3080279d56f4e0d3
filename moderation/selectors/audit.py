"""The audit log as a moderator reads it: admins every entry, facilitators the entries
of the groups they facilitate (site-wide entries, such as who read staff notes, are for
admins)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from accounts.models import User
from groups import policies as group_policies
from groups.models import SupportGroup

from .. import policies
from ..models import AuditLogEntry

PAGE_SIZE = 50

# The log's vocabulary in plain words. Actions missing here are shown from their code
# ("thread.slow_mode" -> "Thread slow mode"), so a new action is never hidden.
ACTION_LABELS: dict[str, str] = {
    "post.approve": "Approved a post",
    "post.auto_hide": "Hid a post automatically (flag threshold reached)",
    "post.hide": "Hid a post pending review",
    "post.remove": "Removed a post",
    "post.content_warning": "Added a content warning",
    "post.redacted": "Removed personal details from a post",
    "meeting.scheduled": "Scheduled a meeting",
    "meeting.cancelled": "Cancelled a meeting",
    "meeting.rescheduled": "Moved a meeting",
    "meeting.note_added": "Added a session note",
    "meeting_notes.read": "Read session notes",
    "guide.saved": "Edited a guide page",
    "flags.dismiss": "Kept a post and dismissed its flags",
    "facilitator_note.add": "Added a facilitator note",
    "facilitator_note.delete": "Deleted a facilitator note",
    "review.claim": "Claimed a review item",
    "join.approved": "Approved a request to join",
    "join.declined": "Declined a request to join",
    "thread.lock": "Locked a thread",
    "thread.unlock": "Unlocked a thread",
    "thread.pin": "Pinned a thread",
    "thread.unpin": "Unpinned a thread",
    "thread.move": "Moved a thread",
    "sanction.warning": "Gave a formal warning",
    "sanction.mute": "Muted a member in a group",
    "sanction.suspension": "Suspended a member",
    "sanction.ban": "Banned a member",
    "sanction.revoke": "Lifted a sanction",
    "warning.acknowledge": "Acknowledged a warning",
    "spam.purge": "Removed a spam account's posts and banned it",
    "resource.create": "Added a vetted resource",
    "resource.suggest": "Suggested a resource",
    "resource.vet": "Vetted a resource",
    "resource.reject": "Turned down a resource",
    "resource.update": "Edited a resource",
    "resource.pin": "Pinned a resource",
    "resource.unpin": "Unpinned a resource",
    "resource.due_for_review": "Sent a resource back for re-vetting",
    "crisis.alert_raised": "Raised a crisis alert",
    "crisis.alert_acknowledged": "Acknowledged a crisis alert",
    "crisis.alert_resolved": "Resolved a crisis alert",
    "crisis.alert_escalated": "Escalated a crisis alert",
    "crisis.concern_raised": "Recorded a wellbeing concern",
    "crisis.lexicon_changed": "Changed the crisis lexicon",
    "crisis.lexicon_rescan": "Started a re-scan with the crisis lexicon",
    "crisis_line.create": "Added a crisis line",
    "crisis_line.update": "Edited a crisis line",
    "crisis_line.verified": "Re-verified a crisis line",
    "crisis_line.due_for_review": "Sent a crisis line for re-verification",
    "duty.changed": "Changed duty status or rota",
    "group.slow_mode": "Changed slow mode",
    "guideline.save": "Edited a rule",
    "guideline.delete": "Deleted a rule",
    "watched_word.add": "Added a watched word",
    "watched_word.change": "Changed a watched word",
    "watched_word.delete": "Deleted a watched word",
    "staff_note.add": "Wrote a staff note",
    "staff_notes.read": "Read staff notes",
    "member.email_revealed": "Revealed a member's e-mail address",
}


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    return action.replace(".", " ").replace("_", " ").strip().capitalize() or "Unknown action"


@dataclass(frozen=True)
class AuditFilters:
    group: SupportGroup | None = None
    action: str = ""
    actor: str = ""  # a handle
    target: str = ""  # a handle
    since: date | None = None  # inclusive, in the viewer's time zone
    until: date | None = None  # inclusive, in the viewer's time zone


def visible_entries(viewer: User) -> QuerySet[AuditLogEntry]:
    if group_policies.is_admin(viewer):
        return AuditLogEntry.objects.all()
    return AuditLogEntry.objects.filter(group_id__in=policies.moderated_group_ids(viewer))


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def audit_log_for(viewer: User, *, filters: AuditFilters, page: str | int | None) -> Page:
    """One page (50 entries, newest first) of the entries the viewer may read, filtered.
    Dates are days in the viewer's time zone. Two queries (count, page) after the
    viewer's groups, whatever is on the page."""
    policies.check_moderator(viewer)
    entries = visible_entries(viewer)
    if filters.group is not None:
        entries = entries.filter(group=filters.group)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.actor:
        entries = entries.filter(actor__handle__iexact=filters.actor)
    if filters.target:
        entries = entries.filter(target_user__handle__iexact=filters.target)
    tz = ZoneInfo(viewer.time_zone or "UTC")
    if filters.since:
        entries = entries.filter(created_at__gte=_local_midnight(filters.since, tz))
    if filters.until:
        entries = entries.filter(
            created_at__lt=_local_midnight(filters.until + timedelta(days=1), tz)
        )
    entries = entries.select_related(
        "actor", "target_user", "group", "post", "rule__group"
    ).order_by("-created_at", "-id")
    result = Paginator(entries, PAGE_SIZE).get_page(page)
    result.object_list = labelled(list(result.object_list))
    return result


def labelled(entries: list[AuditLogEntry]) -> list[AuditLogEntry]:
    """Give each entry its ``label``: the action in plain words."""
    for entry in entries:
        entry.label = action_label(entry.action)
    return entries


def audit_groups_for(viewer: User) -> QuerySet[SupportGroup]:
    """The groups the viewer can filter the log by."""
    if group_policies.is_admin(viewer):
        return SupportGroup.objects.order_by("name")
    return SupportGroup.objects.filter(pk__in=policies.moderated_group_ids(viewer)).order_by("name")


def audit_action_choices() -> list[tuple[str, str]]:
    """Known actions plus any others already in the log, labelled, sorted by label."""
    codes = set(ACTION_LABELS) | set(
        AuditLogEntry.objects.order_by().values_list("action", flat=True).distinct()
    )
    return sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1])
