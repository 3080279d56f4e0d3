""" "I'm worried about this member": wellbeing concerns, separate from rule flags.

A concern opens (or gathers on) a CONCERN crisis alert for the facilitators of a group the
sender shares with the member. The member concerned never learns who raised it: nothing
they can see names the sender (the audit entry has no actor; only the concern row, which
facilitators read, records them). Limits per sender and per member keep it from being
used to harass someone; they are read from ``settings.HAVEN_CONCERN_LIMITS`` at call time.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups import policies as group_policies
from groups.models import Membership, Post, SupportGroup

from ..models import CrisisAlert, ReviewItem, WellbeingConcern
from .audit import audit_record

MAX_NOTE = 1000
WINDOW = timedelta(days=1)
DEFAULT_LIMITS = {"per_sender_per_day": 3, "per_target_per_day": 5}
ALREADY_KNOWN = "Facilitators already know about this member; thank you."


class ConcernAboutSelf(PermissionDenied):
    """The sender is the person they are worried about: they belong on the help page."""


class ConcernAlreadyKnown(PermissionDenied):
    """Enough concerns about this member today: facilitators have it. Said as thanks."""


def concern_limits() -> dict[str, int]:
    configured = getattr(settings, "HAVEN_CONCERN_LIMITS", None) or {}
    return {name: int(configured.get(name, default)) for name, default in DEFAULT_LIMITS.items()}


def shared_groups(sender: User, subject: User) -> list[SupportGroup]:
    """Groups both belong to (active memberships), by name: where a concern can go."""
    if not sender.is_authenticated:
        return []
    mine = Membership.objects.filter(user=sender, status=Membership.Status.ACTIVE).values("group")
    return list(
        SupportGroup.objects.filter(
            pk__in=mine,
            memberships__user=subject,
            memberships__status=Membership.Status.ACTIVE,
        )
        .distinct()
        .order_by("name")
    )


def concern_refusal(
    sender: User, subject: User, *, post: Post | None = None, group: SupportGroup | None = None
) -> str | None:
    """Why ``sender`` may not raise a concern about ``subject`` (about ``post`` or in
    ``group``), or None. Being the subject oneself is answered by ``ConcernAboutSelf`` in
    the service (the views send them to the help page instead)."""
    if not sender.is_authenticated:
        return "Please sign in to tell a facilitator you're worried about someone."
    if not group_policies.has_verified_email(sender):
        return "Please confirm your e-mail address first; then you can tell a facilitator."
    if not subject.is_active:
        return "This member's account is closed."
    if post is not None:
        if post.author_id != subject.pk:
            return "This post isn't by that member."
        if not group_policies.can_read_post_body(sender, post) or post.is_deleted:
            return "You can only raise a concern about posts you can read."
        return None
    if group is not None:
        if not (group_policies.is_member(sender, group) and _is_active_member(subject, group)):
            return "You can only raise a concern about someone in a group you share."
        return None
    if not shared_groups(sender, subject):
        return "You can only raise a concern about someone in a group you share."
    return None


def _is_active_member(user: User, group: SupportGroup) -> bool:
    return Membership.objects.filter(
        user=user, group=group, status=Membership.Status.ACTIVE
    ).exists()


def _severity(note: str, post: Post | None) -> int:
    """Moderate, or high when the note or the post reads high or imminent."""
    from .crisis import assess_text  # late: the detector loads the lexicon

    assessed = max(
        int(assess_text(note).severity) if note else 0,
        int(assess_text(post.body).severity) if post is not None and post.body else 0,
    )
    high = int(CrisisAlert.Severity.HIGH)
    return high if assessed >= high else int(CrisisAlert.Severity.MODERATE)


@transaction.atomic
def concern_raise(
    *,
    sender: User,
    subject: User,
    post: Post | None = None,
    group: SupportGroup | None = None,
    note: str = "",
) -> WellbeingConcern:
    """Record a concern and put it before the facilitators of the group (the post's, the
    one given, or the first the two share): it gathers on the open concern alert about
    the same member in that group, raising its severity if needed, else a new alert is
    raised (dispatched after commit). Refuses: concerns about oneself
    (``ConcernAboutSelf``), more than ``per_sender_per_day`` from one sender, and more
    than ``per_target_per_day`` about one member from everyone (``ConcernAlreadyKnown``).
    A refused concern is recorded nowhere. Audited without the sender's name."""
    if sender.is_authenticated and sender.pk == subject.pk:
        raise ConcernAboutSelf(
            "This is about you. If you're struggling, you can reach someone now."
        )
    if post is not None:
        group_policies.check_view_post(sender, post)
        group = post.thread.group
    refusal = concern_refusal(sender, subject, post=post, group=group)
    if refusal:
        raise PermissionDenied(refusal)
    if group is None:
        group = shared_groups(sender, subject)[0]
    note = (note or "").replace("\x00", "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"Please keep the note under {MAX_NOTE} characters."})

    # Both rows locked (in a fixed order), so concurrent concerns count each other.
    list(User.objects.select_for_update().filter(pk__in=[sender.pk, subject.pk]).order_by("pk"))
    limits = concern_limits()
    now = timezone.now()
    since = now - WINDOW
    sent = WellbeingConcern.objects.filter(raised_by=sender, created_at__gte=since).count()
    if sent >= limits["per_sender_per_day"]:
        raise PermissionDenied(
            f"You've shared {sent} concerns in the last day, the most we take from one member. "
            "Thank you for looking out for people. If someone is in danger right now, please "
            "call your local emergency number."
        )
    about = WellbeingConcern.objects.filter(subject=subject, created_at__gte=since).count()
    if about >= limits["per_target_per_day"]:
        raise ConcernAlreadyKnown(ALREADY_KNOWN)

    severity = _severity(note, post)
    alert = (
        CrisisAlert.objects.select_for_update()
        .unresolved()
        .filter(source=CrisisAlert.Source.CONCERN, subject=subject, group=group)
        .order_by("-created_at", "-pk")
        .first()
    )
    gathered = alert is not None
    if alert is None:
        from .crisis import alert_raise

        alert = alert_raise(
            source=CrisisAlert.Source.CONCERN,
            severity=severity,
            subject=subject,
            group=group,
            post=post,
            findings={"concern_severity": severity},
            actor=None,  # never the sender: the subject may one day read this log
            reason="A member is worried about this member"
            + (" after a post" if post is not None else ""),
        )
    elif severity > alert.severity:
        alert.severity = severity
        alert.save(update_fields=["severity"])
        ReviewItem.objects.filter(pk=alert.review_item_id, severity__lt=severity).update(
            severity=severity
        )
    concern = WellbeingConcern(
        alert=alert, raised_by=sender, subject=subject, post=post, note=note, created_at=now
    )
    concern.full_clean()
    concern.save()
    audit_record(
        actor=None,
        action="crisis.concern_raised",
        group=group,
        post=post,
        target_user=subject,
        reason="A member shared a wellbeing concern",
        details={"alert": alert.pk, "concern": concern.pk, "gathered": gathered},
    )
    return concern
