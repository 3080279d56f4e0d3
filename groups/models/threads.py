"""Threads and posts: the tree of posts, their revisions, reactions, read markers and
subscriptions."""

from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.triggers import topic_labels
from supportforum.addresses import address

from .groups import SupportGroup


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
        return address("groups:thread_detail", self.pk, _title_slug(self.title))


@lru_cache(maxsize=4096)
def _title_slug(title: str) -> str:
    return slugify(title)[:60] or "thread"


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

    # Indexed by the composite indexes below, which all start with the thread.
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", db_index=False
    )
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
    # The token of the form the post came from: the same form sent twice (a retry after a
    # dropped connection, a double click) saves one post. Unique per author.
    submission = models.UUIDField(null=True, blank=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["thread", "path"]),
            # Counting a thread's posts a reader may see (the pager) from the index alone.
            models.Index(fields=["thread", "state", "author"], name="post_thread_visible"),
            models.Index(fields=["author", "thread"]),
            models.Index(fields=["author", "created_at"]),
            SearchGinIndex(fields=["search_vector"], name="post_search_gin"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission"],
                condition=Q(submission__isnull=False),
                name="post_submission_once",
            ),
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


class ThreadPageVersion(models.Model):
    """What a thread page shows of everyone (its posts, their authors' handles and
    badges, reaction counts, whether a post has facilitator notes) changes only with a
    new value here. PostgreSQL triggers (migration 0012) give the thread a new random
    value in the same transaction as any change to those rows, however it is made (a
    service, the admin, an erasure, a bulk update), so a page snapshot kept under the old
    value is never read again (``groups.selectors.snapshots``). No row: never snapshot.
    Never written by Django."""

    thread_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"thread {self.thread_id} at {self.version}"
