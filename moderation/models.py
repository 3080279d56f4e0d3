from django.conf import settings
from django.db import models
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

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["post", "state"]),
            models.Index(fields=["reporter", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} flag on post {self.post_id}"
