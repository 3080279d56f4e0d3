"""Groups and who belongs to them: the group with its policies, memberships and
invitations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from supportforum.addresses import address


class SupportGroup(models.Model):
    class Visibility(models.TextChoices):
        LISTED = "listed", "Listed: anyone can find and read it"
        UNLISTED = "unlisted", "Unlisted: reachable by link only"
        PRIVATE = "private", "Private: content visible to members only"

    class JoinPolicy(models.TextChoices):
        OPEN = "open", "Open: anyone can join"
        REQUEST = "request", "On request: answer an entry question, a facilitator approves"
        INVITE = "invite", "Invitation only"

    class PostingPolicy(models.TextChoices):
        OPEN = "open", "Open: posts appear at once"
        FIRST_N = "first_n", "A member's first posts wait for a facilitator"
        ALL = "all", "Every post waits for a facilitator"

    class Facilitation(models.TextChoices):
        PEER = "peer", "Peer-led"
        PROFESSIONAL = "professional", "Professionally facilitated"

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(max_length=2000, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.LISTED
    )
    join_policy = models.CharField(
        max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    entry_question = models.CharField(
        max_length=300, blank=True, help_text="Asked when the join policy is “on request”."
    )
    posting_policy = models.CharField(
        max_length=10, choices=PostingPolicy.choices, default=PostingPolicy.OPEN
    )
    premoderate_first_n = models.PositiveSmallIntegerField(
        default=0, help_text="With the “first posts” policy: how many of a member's posts wait."
    )
    facilitation = models.CharField(
        max_length=15, choices=Facilitation.choices, default=Facilitation.PEER
    )
    slow_mode_seconds = models.PositiveIntegerField(
        default=0, help_text="Seconds a member must wait between posts in this group (0: off)."
    )
    slow_mode_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    slow_mode_reason = models.CharField(max_length=300, blank=True)
    min_account_age_hours = models.PositiveIntegerField(
        default=0, help_text="How old an account must be before it can post here (hours)."
    )
    flag_hide_threshold = models.PositiveSmallIntegerField(
        default=3,
        help_text="Flags from this many distinct members hide a post until a facilitator "
        "reviews it (a facilitator's flag is enough on its own).",
    )
    review_reminder_minutes = models.PositiveIntegerField(
        default=120,
        help_text="Remind the group's facilitators when a review item has waited this long.",
    )
    hold_crisis_posts = models.BooleanField(
        default=False,
        help_text="Hold posts with crisis language for a facilitator instead of publishing "
        "them (the member still sees the crisis lines at once, and the alert goes out).",
    )
    crisis_ack_imminent_minutes = models.PositiveSmallIntegerField(
        default=5, help_text="Escalate an imminent crisis alert not acknowledged within this."
    )
    crisis_ack_high_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Escalate a high crisis alert not acknowledged within this."
    )
    crisis_ack_moderate_minutes = models.PositiveSmallIntegerField(
        default=60, help_text="Escalate a moderate crisis alert not acknowledged within this."
    )
    hold_personal_information = models.BooleanField(
        default=False,
        help_text="Hold posts that seem to share a phone number, address, e-mail or social "
        "media handle for a facilitator, instead of only warning the member.",
    )
    allow_anonymous = models.BooleanField(
        default=False,
        help_text="Members may post as “Anonymous member” (facilitators still see who).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(join_policy="request") | ~Q(entry_question=""),
                name="groups_request_needs_entry_question",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return address("groups:group_detail", self.slug)

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    @property
    def is_professional(self) -> bool:
        return self.facilitation == self.Facilitation.PROFESSIONAL


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        FACILITATOR = "facilitator", "Facilitator"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a facilitator"
        ACTIVE = "active", "Member"
        DECLINED = "declined", "Declined"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    entry_answer = models.TextField(max_length=2000, blank=True)
    guidelines_accepted_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notifications_muted = models.BooleanField(
        default=False, help_text="The member hears nothing of this group's threads."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="groups_membership_unique"),
        ]
        indexes = [models.Index(fields=["group", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.get_role_display()}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role == self.Role.FACILITATOR


class Invitation(models.Model):
    """A single-use, expiring link a facilitator hands to one person."""

    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True)
    note = models.CharField(max_length=120, blank=True, help_text="Only facilitators see this.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # An invitation addressed to one member by handle: they are notified, and only they
    # can use it. Without it, whoever the facilitator hands the link to can.
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="group_invitations",
    )
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.group} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("groups:invitation_accept", args=[self.token])

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()
