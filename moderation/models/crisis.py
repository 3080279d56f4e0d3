"""Crisis care: alerts and what they record (views, escalations, deliveries), wellbeing
concerns, facilitators' duty, regional crisis lines and the detector's lexicon."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class CrisisAlertQuerySet(models.QuerySet["CrisisAlert"]):
    def unresolved(self) -> "CrisisAlertQuerySet":
        return self.exclude(state=CrisisAlert.State.RESOLVED)

    def undelivered(self) -> "CrisisAlertQuerySet":
        return self.filter(delivered_at__isnull=True)


class CrisisAlert(models.Model):
    """A person may be at risk. The row is the source of truth: it is written in the same
    transaction as the post (or concern) that raised it, and delivery, escalation and the
    sweeper all work from it, so a lost task or message can always be redone."""

    class Source(models.TextChoices):
        DETECTED = "detected", "Crisis language in a post"
        CONCERN = "concern", "A member is worried about someone"
        HELP_REQUEST = "help_request", "A member asked to talk to a facilitator"

    class Severity(models.IntegerChoices):
        MODERATE = 2, "Moderate"
        HIGH = 3, "High"
        IMMINENT = 4, "Imminent"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"

    class Outcome(models.TextChoices):
        REACHED_OUT = "reached_out", "Reached out privately"
        SIGNPOSTED = "signposted", "Signposted to crisis lines or services"
        EMERGENCY = "emergency", "Contacted emergency services"
        HANDED_OVER = "handed_over", "Handed over to another professional"
        ALREADY_SAFE = "already_safe", "Member confirmed they are safe"
        FALSE_ALARM = "false_alarm", "False alarm"

    # Outcomes after which the facilitator is reminded to check in again.
    OUTREACH_OUTCOMES = frozenset({Outcome.REACHED_OUT, Outcome.SIGNPOSTED, Outcome.EMERGENCY})

    source = models.CharField(max_length=15, choices=Source.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    state = models.CharField(max_length=15, choices=State.choices, default=State.OPEN)
    group = models.ForeignKey(
        "groups.SupportGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crisis_alerts",
        help_text="Whose facilitators answer it; empty: admins.",
    )
    post = models.ForeignKey(
        "groups.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crisis_alerts",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="crisis_alerts_about",
        help_text="The member who may be at risk.",
    )
    findings = models.JSONField(
        default=dict, blank=True, help_text="What the detector found, where, and why."
    )
    review_item = models.OneToOneField(
        "moderation.ReviewItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crisis_alert",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    raised_off_duty = models.BooleanField(
        default=False, help_text="Nobody was on duty for the group when it was raised."
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=15, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(max_length=4000, blank=True)
    follow_up_due_at = models.DateTimeField(null=True, blank=True)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    # Delivery and escalation bookkeeping (the sweeper's view of the world).
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text="When delivery to its first recipients completed."
    )
    dispatch_count = models.PositiveSmallIntegerField(default=0)
    last_dispatched_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        default=0, help_text="0 on-duty facilitators, 1 all the group's facilitators, 2 admins."
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    objects = CrisisAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "created_at", "id"]
        indexes = [
            models.Index(fields=["state", "-severity", "created_at"]),
            models.Index(
                fields=["delivered_at"],
                condition=Q(delivered_at__isnull=True),
                name="moderation_alert_undelivered",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(source="detected") & ~Q(state="resolved"),
                name="moderation_alert_one_unresolved_detection_per_post",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} crisis alert #{self.pk} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("moderation:alert_detail", args=[self.pk])


class AlertView(models.Model):
    """The duty-of-care record: who opened an alert, and when."""

    alert = models.ForeignKey(CrisisAlert, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["viewed_at", "id"]

    def __str__(self) -> str:
        return f"Alert {self.alert_id} viewed"


class AlertEscalation(models.Model):
    """An alert nobody acknowledged in time, passed up the chain."""

    class Level(models.IntegerChoices):
        FACILITATORS = 1, "All facilitators of the group"
        ADMINS = 2, "Admins"

    alert = models.ForeignKey(CrisisAlert, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    reason = models.CharField(max_length=200)
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "level"], name="moderation_escalation_once"),
        ]

    def __str__(self) -> str:
        return f"Alert {self.alert_id} escalated to {self.get_level_display()}"


class AlertDelivery(models.Model):
    """One recipient told of one alert: makes delivery idempotent (a re-run tells only
    whom it has not told) and records how."""

    alert = models.ForeignKey(CrisisAlert, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "recipient"], name="moderation_alert_delivery_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Alert {self.alert_id} to user {self.recipient_id}"


class WellbeingConcern(models.Model):
    """ "I'm worried about this member": separate from rule flags. The member concerned
    never learns who raised it. Concerns about the same member gather on one open alert."""

    alert = models.ForeignKey(CrisisAlert, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "groups.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["raised_by", "created_at"]),
            models.Index(fields=["subject", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Concern about user {self.subject_id}"


class DutyStatus(models.Model):
    """Whether a facilitator is on duty: switched on or off by hand, or following their
    weekly rota (in their own time zone)."""

    class Mode(models.TextChoices):
        ROTA = "rota", "Follow my rota"
        ON = "on", "On duty"
        OFF = "off", "Off duty"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_status"
    )
    mode = models.CharField(max_length=5, choices=Mode.choices, default=Mode.ROTA)
    until = models.DateTimeField(
        null=True, blank=True, help_text="A manual on/off ends here and the rota resumes."
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "duty statuses"

    def __str__(self) -> str:
        return f"Duty of user {self.user_id}: {self.mode}"


class DutyShift(models.Model):
    """One weekly rota slot in the facilitator's time zone (an end before the start runs
    past midnight)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="duty_shifts"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["user_id", "weekday", "starts"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class CrisisLine(models.Model):
    """A crisis line for one country. Only lines someone has verified are seeded: a wrong
    number here does harm, so each line records its source and when it was last checked,
    and lines due for re-checking go to the admins' review queue."""

    country = models.CharField(max_length=2, db_index=True, help_text="ISO 3166 code, e.g. GB.")
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, blank=True)
    text = models.CharField(max_length=120, blank=True, help_text="How to reach it by text.")
    web = models.URLField(blank=True)
    hours = models.CharField(max_length=80, default="24 hours, every day")
    description = models.CharField(max_length=300, blank=True)
    source = models.URLField(help_text="Where the details were checked.")
    last_verified = models.DateField()
    verify_every_days = models.PositiveIntegerField(default=180)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["country", "order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    @property
    def verify_due(self):
        return self.last_verified + timedelta(days=self.verify_every_days)


class LexiconEntry(models.Model):
    """One entry of the crisis detector's lexicon (see ``moderation.crisis``). Default
    entries are loaded from the detector's JSON files; admins edit, disable or add entries
    here, and every process picks the change up without a restart."""

    class Kind(models.TextChoices):
        PHRASE = "phrase", "Phrase"
        REGEX = "regex", "Regular expression"
        EMOJI = "emoji", "Emoji"

    key = models.CharField(max_length=120, unique=True)
    pattern = models.TextField(max_length=4000)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PHRASE)
    signal = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, default="none")
    language = models.CharField(max_length=8, default="en")
    first_person = models.BooleanField(default=False)
    examples = models.JSONField(default=list, blank=True)
    counter_examples = models.JSONField(default=list, blank=True)
    enabled = models.BooleanField(default=True)
    from_default = models.BooleanField(default=False, editable=False)
    edited = models.BooleanField(
        default=False, editable=False, help_text="Changed here, so updates do not overwrite it."
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["language", "signal", "key"]
        verbose_name_plural = "lexicon entries"

    def __str__(self) -> str:
        return self.key


class LexiconRescan(models.Model):
    """A re-scan of recent posts after a lexicon change, with its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    days = models.PositiveSmallIntegerField(default=7)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    alerts_raised = models.PositiveIntegerField(default=0)
    last_post_id = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Re-scan of {self.days} days ({self.state})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))
