from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone


class Guideline(models.Model):
    """A numbered rule: site-wide when ``group`` is empty, else one group's own."""

    group = models.ForeignKey(
        "groups.SupportGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
        help_text="Leave empty for a site-wide rule.",
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=4000, blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "number"], name="moderation_guideline_number_unique"
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=models.Q(group__isnull=True),
                name="moderation_site_guideline_number_unique",
            ),
        ]

    def __str__(self) -> str:
        scope = self.group.name if self.group_id else "Site"
        return f"{scope} rule {self.number}: {self.title}"


class AuditLogEntry(models.Model):
    """Append-only record of every moderation action: who, what, to whom, why, when (UTC).
    On PostgreSQL a trigger refuses UPDATE and DELETE on this table."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for Haven's automatic safeguards.",
    )
    action = models.CharField(max_length=40, db_index=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        "groups.SupportGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        "groups.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.ForeignKey(
        Guideline, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit log entries"

    def __str__(self) -> str:
        who = self.actor.handle if self.actor_id and self.actor else "Haven"
        return f"{self.created_at:%Y-%m-%d %H:%M} {who}: {self.action}"


class Flag(models.Model):
    """A member's report that a post breaks a rule. Flags on one post gather into one
    review item; the reporter is visible to facilitators, never to the author."""

    class Reason(models.TextChoices):
        HARASSMENT = "harassment", "Harassment or bullying"
        MISINFORMATION = "misinformation", "Misinformation"
        SELF_HARM = "self_harm", "Self-harm or crisis"
        TRIGGERING = "triggering", "Triggering content without a content warning"
        SPAM = "spam", "Spam"
        PERSONAL_INFO = "personal_info", "Personal information"
        OTHER = "other", "Something else"

    class State(models.TextChoices):
        OPEN = "open", "Waiting for review"
        UPHELD = "upheld", "Upheld (helpful)"
        DECLINED = "declined", "Declined (not helpful)"
        DISMISSED = "dismissed", "Dismissed"

    post = models.ForeignKey("groups.Post", on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags_raised"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    weight = models.FloatField(
        help_text="How much this flag counts towards hiding the post, from the reporter's "
        "role and the accuracy of their past flags."
    )
    by_facilitator = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_item = models.ForeignKey(
        "moderation.ReviewItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="flags",
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["post", "state"]),
            models.Index(fields=["reporter", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} flag on post {self.post_id}"


class ReviewItemQuerySet(models.QuerySet["ReviewItem"]):
    def open(self) -> "ReviewItemQuerySet":
        return self.filter(state=ReviewItem.State.OPEN)

    def queue_order(self) -> "ReviewItemQuerySet":
        return self.order_by("-severity", "-score", "created_at", "id")


class ReviewItem(models.Model):
    """One thing a facilitator must look at (Discourse's "reviewable"): every open flag on a
    post gathers into one item, as does a post awaiting approval, a join request, or a
    resource awaiting vetting. The queue orders by severity, then score, then age."""

    class Kind(models.TextChoices):
        CRISIS = "crisis", "Crisis alert"
        FLAGGED_POST = "flagged_post", "Flagged post"
        PENDING_POST = "pending_post", "Post awaiting approval"
        JOIN_REQUEST = "join_request", "Join request"
        RESOURCE = "resource", "Resource to vet"
        CRISIS_LINE = "crisis_line", "Crisis line to re-verify"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    class Severity(models.IntegerChoices):
        ROUTINE = 0, "Routine"
        LOW = 1, "Low"
        ELEVATED = 2, "Elevated"
        HIGH = 3, "High"
        IMMINENT = 4, "Imminent"

    kind = models.CharField(max_length=15, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    group = models.ForeignKey(
        "groups.SupportGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_items",
        help_text="Empty for site-wide items (resources not pinned to a group).",
    )
    post = models.ForeignKey(
        "groups.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    membership = models.ForeignKey(
        "groups.Membership", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    resource = models.ForeignKey(
        "moderation.Resource", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    crisis_line = models.ForeignKey(
        "moderation.CrisisLine", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.ROUTINE)
    score = models.FloatField(default=0)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it is in the queue.")
    created_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=40, blank=True)

    objects = ReviewItemQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "-score", "created_at", "id"]
        indexes = [
            models.Index(fields=["state", "-severity", "-score", "created_at"]),
            models.Index(fields=["group", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "post"],
                # A post may carry several crisis alerts (detected, and concerns).
                condition=Q(state="open", post__isnull=False) & ~Q(kind="crisis"),
                name="moderation_review_one_open_per_post",
            ),
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(state="open", membership__isnull=False),
                name="moderation_review_one_open_per_membership",
            ),
            models.UniqueConstraint(
                fields=["resource"],
                condition=Q(state="open", resource__isnull=False),
                name="moderation_review_one_open_per_resource",
            ),
            models.UniqueConstraint(
                fields=["crisis_line"],
                condition=Q(state="open", crisis_line__isnull=False),
                name="moderation_review_one_open_per_crisis_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("moderation:review_item", args=[self.pk])


class SanctionQuerySet(models.QuerySet["Sanction"]):
    def in_force(self, at: datetime | None = None) -> "SanctionQuerySet":
        at = at or timezone.now()
        return self.filter(
            kind__in=[Sanction.Kind.MUTE, Sanction.Kind.SUSPENSION, Sanction.Kind.BAN],
            revoked_at__isnull=True,
            starts_at__lte=at,
        ).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))


class Sanction(models.Model):
    """A step on the ladder: a formal warning (to acknowledge), a mute in one group, a
    site-wide suspension, or a ban. Durations end on their own (``ends_at``); nothing needs
    to run for a sanction to expire."""

    class Kind(models.TextChoices):
        WARNING = "warning", "Warning"
        MUTE = "mute", "Muted in a group"
        SUSPENSION = "suspension", "Suspended"
        BAN = "ban", "Banned"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    group = models.ForeignKey(
        "groups.SupportGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The group a mute or warning applies to; empty for site-wide.",
    )
    rule = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(max_length=2000, help_text="Shown to the member.")
    post = models.ForeignKey(
        "groups.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until lifted.")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="mute") | Q(group__isnull=False),
                name="moderation_mute_needs_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user_id}"


class StaffNote(models.Model):
    """A facilitator's private note about a member. Facilitators of a group the member
    belongs to and admins read them; every read is written to the audit log."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        "groups.SupportGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Staff note on {self.member_id}"


class WatchedWord(models.Model):
    """A word or phrase screened in every post. ``*`` matches any run of letters
    (``self*harm*``); matching is case-insensitive on word boundaries."""

    class Action(models.TextChoices):
        BLOCK = "block", "Block the post with a message"
        REQUIRE_APPROVAL = "require_approval", "Hold the post for a facilitator"
        FLAG = "flag", "Publish, and flag it for review"
        REPLACE = "replace", "Replace the word"

    word = models.CharField(max_length=100)
    action = models.CharField(max_length=20, choices=Action.choices)
    replacement = models.CharField(
        max_length=100, blank=True, help_text="With “replace”: what is shown instead."
    )
    message = models.CharField(
        max_length=300, blank=True, help_text="With “block”: what the member is told."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(Lower("word"), name="moderation_watchedword_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.word} ({self.get_action_display()})"
