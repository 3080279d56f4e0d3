"""The resources library and facilitator notes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class ResourceQuerySet(models.QuerySet["Resource"]):
    def vetted(self) -> "ResourceQuerySet":
        return self.filter(state=Resource.State.VETTED)


class Resource(models.Model):
    """A hotline, article, tool or service a facilitator has checked. Members may suggest
    one; it is published only once vetted, and comes back for re-vetting after
    ``review_by``."""

    class Kind(models.TextChoices):
        HOTLINE = "hotline", "Hotline"
        ARTICLE = "article", "Article"
        TOOL = "tool", "Tool"
        SERVICE = "service", "Service"

    class State(models.TextChoices):
        SUGGESTED = "suggested", "Suggested, waiting for vetting"
        VETTED = "vetted", "Vetted"
        REJECTED = "rejected", "Not accepted"

    title = models.CharField(max_length=150)
    url = models.URLField(max_length=500)
    description = models.TextField(max_length=2000, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    region = models.CharField(
        max_length=2, blank=True, help_text="ISO country code; empty: anywhere."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUGGESTED)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_for = models.ForeignKey(
        "groups.SupportGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The group a member suggested it for.",
    )
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vetted_at = models.DateTimeField(null=True, blank=True)
    review_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["state", "review_by"])]

    def __str__(self) -> str:
        return self.title


class ResourcePin(models.Model):
    """A vetted resource shown in a group's or a thread's "Vetted resources" box."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="pins")
    group = models.ForeignKey(
        "groups.SupportGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        "groups.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False, thread__isnull=True)
                | Q(group__isnull=True, thread__isnull=False),
                name="moderation_pin_group_xor_thread",
            ),
            models.UniqueConstraint(
                fields=["resource", "group"],
                condition=Q(group__isnull=False),
                name="moderation_pin_unique_group",
            ),
            models.UniqueConstraint(
                fields=["resource", "thread"],
                condition=Q(thread__isnull=False),
                name="moderation_pin_unique_thread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} pinned"


class FacilitatorNote(models.Model):
    """A visible, vetted correction or context under a post: the answer to misinformation
    that does not silence the member."""

    post = models.ForeignKey(
        "groups.Post", on_delete=models.CASCADE, related_name="facilitator_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=4000)
    body_html = models.TextField(editable=False)
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A note that corrects health misinformation links the digital-literacy guide.
    about_misinformation = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Facilitator note on post {self.post_id}"


DIGITAL_LITERACY_SLUG = "judging-health-information"


class GuidePage(models.Model):
    """A page of guidance maintained by admins in Markdown, such as the digital-literacy
    guide (``DIGITAL_LITERACY_SLUG``) linked from the resources library and from
    facilitator notes that correct misinformation."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=150)
    summary = models.CharField(
        max_length=300, blank=True, help_text="One sentence, shown where the guide is linked."
    )
    body = models.TextField(max_length=20000, help_text="Markdown: headings, lists and links.")
    body_html = models.TextField(editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("moderation:guide", args=[self.slug])
