import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from .triggers import MUTE_WORDS_TEXT_MAX
from .validators import HANDLE_MAX, HANDLE_VALIDATORS

TIME_ZONE_CHOICES = sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones())


class DigestFrequency(models.TextChoices):
    OFF = "off", "Never"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, handle: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), handle=handle, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, handle: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, handle, password, **extra)

    def create_superuser(self, email: str, handle: str, password: str, **extra) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, handle, password, **extra)

    def get_by_natural_key(self, email: str) -> "User":
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person on Haven. Known to others only by ``handle``; the e-mail address is for
    sign-in and mail and is never shown to other members. No real name is stored."""

    email = models.EmailField("e-mail address", unique=True)
    handle = models.CharField(
        max_length=HANDLE_MAX,
        unique=True,
        validators=HANDLE_VALIDATORS,
        help_text="Your pseudonym: 3–30 letters, digits, hyphens or underscores.",
    )
    bio = models.CharField(max_length=300, blank=True)
    region = models.CharField(
        "region",
        max_length=2,
        blank=True,
        help_text="Country (ISO code) used to show the right crisis lines.",
    )
    time_zone = models.CharField(max_length=64, default="UTC", choices=TIME_ZONE_CHOICES)
    professional_title = models.CharField(
        max_length=80,
        blank=True,
        help_text="Shown beside the facilitator badge, e.g. “Licensed social worker”.",
    )
    professional_title_verified = models.BooleanField(
        default=False, help_text="An admin has checked this professional title."
    )
    guidelines_accepted_at = models.DateTimeField(null=True, blank=True)
    quiet_hours_start = models.TimeField(
        null=True, blank=True, help_text="E-mails wait until your quiet hours end."
    )
    quiet_hours_end = models.TimeField(null=True, blank=True)
    notifications_paused_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="While paused, notifications are kept but nothing is pushed or e-mailed.",
    )
    digest_frequency = models.CharField(
        max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # Trigger filters (accounts.triggers): topics to collapse, None until the member
    # chooses (then self-harm and suicide are collapsed), and private mute words.
    collapse_topics = models.JSONField(null=True, blank=True, default=None)
    mute_words = models.TextField(max_length=MUTE_WORDS_TEXT_MAX, blank=True)
    link_interstitial = models.BooleanField(
        "show me where a link leads before I open it",
        default=False,
        help_text="Links to other sites in posts first show their destination.",
    )
    # The member asked to delete their account: it is erased at this time unless they
    # sign in before then (accounts.services.data), keeping or removing their posts.
    erasure_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    erasure_posts = models.CharField(max_length=6, blank=True)
    is_staff = models.BooleanField(
        "admin", default=False, help_text="Admins run Haven and moderate everywhere."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["handle"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("handle"), name="accounts_user_handle_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.handle

    def get_absolute_url(self) -> str:
        return reverse("accounts:member_card", args=[self.handle])

    @property
    def facilitator_label(self) -> str:
        if self.professional_title and self.professional_title_verified:
            return f"Facilitator · {self.professional_title}"
        return "Facilitator"


class Notification(models.Model):
    """An in-app notice for one member. Delivery beyond the page (live badge, e-mail,
    digests, preferences per kind) builds on ``kind``; the text never holds another
    member's private details."""

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to your post"
        POST_APPROVED = "post_approved", "Your post was approved"
        POST_HIDDEN = "post_hidden", "Your post is being reviewed"
        JOIN_ANSWERED = "join_answered", "Join request answered"
        POST_REMOVED = "post_removed", "A facilitator removed your post"
        CONTENT_WARNING = "content_warning", "A content warning was added to your post"
        FACILITATOR_NOTE = "facilitator_note", "A facilitator added a note to your post"
        THREAD_CHANGED = "thread_changed", "A facilitator changed your thread"
        WARNING = "warning", "A formal warning to acknowledge"
        SANCTION = "sanction", "A restriction on your account"
        RESOURCE_VETTED = "resource_vetted", "A resource you suggested was reviewed"
        REVIEW_REMINDER = "review_reminder", "Review items are waiting"
        CRISIS_ALERT = "crisis_alert", "A member may be at risk"
        CRISIS_ESCALATION = "crisis_escalation", "A crisis alert was escalated to you"
        CRISIS_FOLLOW_UP = "crisis_follow_up", "Time to check in after a crisis alert"
        CRISIS_LINE_DUE = "crisis_line_due", "Crisis lines to re-verify"
        MENTION = "mention", "You were mentioned"
        THREAD_REPLY = "thread_reply", "New reply in a thread you follow"
        REACTIONS = "reactions", "Members responded to your post"
        INVITATION = "invitation", "An invitation to a group"
        SANCTION_ENDED = "sanction_ended", "A restriction on your account ended"
        POST_REDACTED = "post_redacted", "A facilitator removed part of your post"
        MEETING_REMINDER = "meeting_reminder", "A meeting you are going to is soon"
        MEETING_CHANGED = "meeting_changed", "A meeting you are going to changed"
        MEETING_PLACE = "meeting_place", "A place at a meeting is yours"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        "groups.SupportGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        "groups.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "groups.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(default=1)
    # An unread notification with the same (recipient, key) is updated, not repeated.
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # An e-mail held for the member's quiet hours: sent by ``notification_emails_release``
    # (beat, every few minutes) once this time has passed.
    email_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "key"]),
            models.Index(
                fields=["email_due_at"],
                name="notification_email_due",
                condition=models.Q(email_due_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}"

    @property
    def target_url(self) -> str:
        """Where "Open" leads: the stored link, else the post's own page."""
        if self.url:
            return self.url
        return self.post.get_absolute_url() if self.post_id else ""

    @property
    def shown_actor(self) -> "User | None":
        """Who to name: nobody for an anonymous post."""
        if self.post_id and self.post.is_anonymous:
            return None
        return self.actor


class NotificationPreference(models.Model):
    """A member's override of the default delivery for one kind of notification (the
    defaults live in ``accounts.preferences``)."""

    class Delivery(models.TextChoices):
        IN_APP = "in_app", "On Haven only"
        EMAIL = "email", "E-mail me straight away"
        DIGEST = "digest", "Include in my digest e-mail"
        OFF = "off", "Off"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=30, choices=Notification.Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="accounts_notif_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}={self.delivery} for {self.user_id}"


class DataExport(models.Model):
    """A member's copy of everything they have given Haven, built off the request path
    (``accounts.data_export_build``) and downloadable by its owner for 24 hours after it
    is ready. The JSON is kept in ``payload`` and cleared when it expires."""

    class State(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be prepared"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    token = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    payload = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"Data export {self.pk} for {self.user_id} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("accounts:data_export_download", args=[self.token])

    def is_available(self, now=None) -> bool:
        """Ready and not yet expired: the download link works."""
        now = now or timezone.now()
        return (
            self.state == self.State.READY
            and self.expires_at is not None
            and self.expires_at > now
            and bool(self.payload)
        )


class Block(models.Model):
    """One member blocking another. For the blocker, the blocked member's posts are
    collapsed; the blocked member cannot reply directly to the blocker's posts, mention
    them or notify them. Silent: the blocked member is not told. Moderation contact
    (removals, warnings, sanctions, facilitator notes) is never blocked."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="block_not_self"
            ),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"])]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocked {self.blocked_id}"
