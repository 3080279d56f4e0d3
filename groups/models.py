from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.triggers import topic_labels


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
        return reverse("groups:group_detail", args=[self.slug])

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


class ThreadQuerySet(models.QuerySet["Thread"]):
    def listed_order(self) -> "ThreadQuerySet":
        return self.order_by("-is_pinned", "-last_activity_at", "-id")


class Thread(models.Model):
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=150)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="threads"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Denormalised, maintained by services: published replies (not the opening post) and the
    # newest published post, for thread lists and unread markers without extra queries.
    reply_count = models.PositiveIntegerField(default=0)
    last_post_id = models.BigIntegerField(default=0)
    is_published = models.BooleanField(
        default=True, help_text="False while the opening post awaits a facilitator."
    )
    is_pinned = models.BooleanField(default=False)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pin_reason = models.CharField(max_length=300, blank=True)
    is_locked = models.BooleanField(default=False)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lock_reason = models.CharField(max_length=300, blank=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["group", "-is_pinned", "-last_activity_at"]),
            models.Index(fields=["group", "reply_count"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("groups:thread_detail", args=[self.pk, slugify(self.title)[:60] or "thread"])


MAX_TREE_DEPTH = 16
PATH_DIGITS = 12


class SearchGinIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index elsewhere (SQLite has no GIN, and the
    embedded default searches with a fallback that never reads the vector)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class PostQuerySet(models.QuerySet["Post"]):
    def published(self) -> "PostQuerySet":
        return self.filter(state=Post.State.PUBLISHED, deleted_at__isnull=True)


class Post(models.Model):
    class State(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Awaiting a facilitator"
        HIDDEN = "hidden", "Hidden pending review"
        REMOVED = "removed", "Removed by a facilitator"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    # ``reply_to`` is the post being answered; ``parent`` is where the reply sits in the
    # tree. They differ only past MAX_TREE_DEPTH, where a reply becomes its target's sibling.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    is_opening = models.BooleanField(default=False)
    body = models.TextField(max_length=20000)
    body_html = models.TextField(editable=False)
    content_warning = models.CharField(max_length=120, blank=True)
    # Topics from accounts.triggers.Topic, tagged by the author or a facilitator: a post
    # collapses for members who chose to collapse one of them.
    content_topics = models.JSONField(default=list, blank=True)
    is_anonymous = models.BooleanField(default=False)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PUBLISHED, db_index=True
    )
    # Tree order: the ids of the ancestors and this post, zero-padded, joined by "/".
    # Sorting by it yields depth-first order, so a thread pages like a flat list.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # When a facilitator changed how the post shows (hidden, removed, restored, a content
    # warning) or a reaction was taken back: what a live page that reconnects re-fetches,
    # beside edits, deletions and new reactions, which carry their own times.
    changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Full-text search document, written by a PostgreSQL trigger (migration 0007): the
    # body, and for an opening post its thread's title. NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["thread", "path"]),
            models.Index(fields=["author", "thread"]),
            models.Index(fields=["author", "created_at"]),
            SearchGinIndex(fields=["search_vector"], name="post_search_gin"),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return reverse("groups:post_permalink", args=[self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def topic_labels(self) -> list[str]:
        return topic_labels(self.content_topics)


class PostRevision(models.Model):
    """A version of a post as it was before an edit."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    body_html = models.TextField()
    content_warning = models.CharField(max_length=120, blank=True)
    content_topics = models.JSONField(default=list, blank=True)
    # A facilitator's redaction keeps the original here, for facilitators only.
    staff_only = models.BooleanField(default=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        HUG = "hug", "Hug"
        ME_TOO = "me_too", "Me too"
        THANK_YOU = "thank_you", "Thank you"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="groups_reaction_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.post_id}"


class ThreadReadState(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_post_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="groups_readstate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_post_id}"


class ThreadSubscription(models.Model):
    """A member's choice about one thread: follow it (hear of every reply) or mute it
    (hear nothing, not even a reply to them). No row: the default, which is to hear of
    replies to you and mentions only. Starting or replying to a thread follows it."""

    class State(models.TextChoices):
        FOLLOW = "follow", "Following"
        MUTE = "mute", "Muted"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_subscriptions"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="subscriptions")
    state = models.CharField(max_length=6, choices=State.choices, default=State.FOLLOW)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="groups_subscription_unique"),
        ]
        indexes = [models.Index(fields=["thread", "state"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.state}s {self.thread_id}"
