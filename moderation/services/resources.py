"""Vetted resources: facilitators curate hotlines, articles, tools and services; members
suggest them; nothing is published until a facilitator has vetted it, and vetted resources
come back to the review queue when their review-by date has passed.

Who may do what:
- a suggestion belongs to the group it was suggested for (its facilitators and admins vet
  it) until it is vetted; one suggested for no group, like every vetted resource of the
  site-wide library, may be handled by any facilitator or admin;
- pins are a group's business: only that group's facilitators (or admins) pin and unpin.
"""

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, User
from accounts.services import notification_send
from groups import policies as group_policies
from groups.models import SupportGroup, Thread
from supportforum import pagecache

from .. import policies
from ..models import Resource, ResourcePin, ReviewItem
from ..selectors.resources import PINNED
from .audit import audit_record
from .queue import check_not_claimed_by_other, review_open, review_resolve_for

DAILY_SUGGESTION_LIMIT = 5
REVIEW_PERIOD = timedelta(days=365)
REGION_PATTERN = re.compile(r"^[A-Z]{2}$")
STALE_REASON = "Due for re-vetting"


# --- permission and input checks (each service calls them before writing) ---


def _check_curator(user: User) -> None:
    if not policies.can_moderate_in(user, None):
        raise PermissionDenied("Only facilitators and admins can add resources to the library.")


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if urlsplit(url).scheme.lower() not in {"http", "https"} or not urlsplit(url).netloc:
        raise ValidationError({"url": "Please give a web address starting with https://."})
    return url


def _clean_region(region: str) -> str:
    region = (region or "").strip().upper()
    if region and not REGION_PATTERN.match(region):
        raise ValidationError(
            {"region": "Use a two-letter country code such as GB or US, or leave it empty."}
        )
    return region


def _clean_text(value: str) -> str:
    return (value or "").replace("\x00", "").strip()


def _clean_review_by(review_by: date | None, today: date) -> date:
    if review_by is None:
        return today + REVIEW_PERIOD
    if review_by <= today:
        raise ValidationError({"review_by": "The review-by date must be in the future."})
    return review_by


def _fill(resource: Resource, *, title: str, url: str, description: str, kind: str, region: str):
    resource.title = _clean_text(title)
    resource.url = _clean_url(url)
    resource.description = _clean_text(description)
    resource.kind = kind
    resource.region = _clean_region(region)


def _check_not_duplicate(resource: Resource) -> None:
    """One entry per web address: a second would split pins and re-vetting."""
    existing = (
        Resource.objects.filter(url__iexact=resource.url)
        .exclude(state=Resource.State.REJECTED)
        .exclude(pk=resource.pk)
        .first()
    )
    if existing is not None:
        raise ValidationError(
            {
                "url": "That resource is already in the library."
                if existing.state == Resource.State.VETTED
                else "Someone has already suggested that resource; it is waiting for vetting."
            }
        )


def _details(resource: Resource, **extra) -> dict:
    return {"resource": resource.pk, "title": resource.title, "url": resource.url, **extra}


def _library_url() -> str:
    return reverse("moderation:resource_library")


# --- creating and suggesting ---


@transaction.atomic
def resource_create(
    *,
    actor: User,
    title: str,
    url: str,
    kind: str,
    description: str = "",
    region: str = "",
    review_by: date | None = None,
) -> Resource:
    """A facilitator or admin adds a resource to the library, vetted at once by them
    (review-by one year ahead unless given). Audited."""
    _check_curator(actor)
    now = timezone.now()
    resource = Resource(
        state=Resource.State.VETTED,
        vetted_by=actor,
        vetted_at=now,
        review_by=_clean_review_by(review_by, timezone.localdate()),
        created_at=now,
    )
    _fill(resource, title=title, url=url, description=description, kind=kind, region=region)
    _check_not_duplicate(resource)
    resource.full_clean()
    resource.save()
    audit_record(actor=actor, action="resource.create", details=_details(resource))
    return resource


@transaction.atomic
def resource_suggest(
    *,
    suggester: User,
    title: str,
    url: str,
    kind: str,
    description: str = "",
    region: str = "",
    suggested_for: SupportGroup | None = None,
) -> Resource:
    """A signed-in member with a confirmed e-mail address suggests a resource. It stays
    unpublished (SUGGESTED) and opens a review item in the queue of the group it was
    suggested for (site-wide without one). Bounded to DAILY_SUGGESTION_LIMIT a day; a web
    address already in the library or waiting is refused with a message saying so."""
    if not suggester.is_authenticated or not suggester.is_active:
        raise PermissionDenied("Please sign in to suggest a resource.")
    if not group_policies.has_verified_email(suggester):
        raise PermissionDenied(
            "Please confirm your e-mail address before suggesting a resource. "
            "Check your inbox for the link."
        )
    if suggested_for is not None and not (
        group_policies.is_member(suggester, suggested_for)
        or group_policies.can_moderate_group(suggester, suggested_for)
    ):
        raise PermissionDenied("You can suggest resources for groups you belong to.")
    # Serialise one member's suggestions so the daily limit cannot be raced past.
    User.objects.select_for_update(no_key=True).filter(pk=suggester.pk).first()
    now = timezone.now()
    recent = Resource.objects.filter(
        suggested_by=suggester, created_at__gte=now - timedelta(days=1)
    )
    if recent.count() >= DAILY_SUGGESTION_LIMIT:
        raise PermissionDenied(
            f"You have suggested {DAILY_SUGGESTION_LIMIT} resources in the last day, the most "
            "we take from one member. Thank you; please try again tomorrow."
        )
    resource = Resource(
        state=Resource.State.SUGGESTED,
        suggested_by=suggester,
        suggested_for=suggested_for,
        created_at=now,
    )
    _fill(resource, title=title, url=url, description=description, kind=kind, region=region)
    _check_not_duplicate(resource)
    resource.full_clean()
    resource.save()
    review_open(
        kind=ReviewItem.Kind.RESOURCE,
        group=suggested_for,
        resource=resource,
        reason=f"Suggested by {suggester.handle}: {resource.title}",
    )
    audit_record(
        actor=suggester,
        action="resource.suggest",
        group=suggested_for,
        details=_details(resource),
    )
    return resource


# --- vetting and editing ---


def _check_item_not_claimed_by_other(actor: User, resource: Resource) -> None:
    item = ReviewItem.objects.open().filter(resource=resource).select_related("claimed_by").first()
    if item is not None:
        check_not_claimed_by_other(actor, item)


@transaction.atomic
def resource_vet(
    *,
    actor: User,
    resource: Resource,
    approve: bool,
    review_by: date | None = None,
    reason: str = "",
) -> Resource:
    """Approve (publish, or confirm a vetted one is still sound, until ``review_by``, one
    year ahead by default) or reject a suggested or vetted resource, citing a reason the
    suggester reads. Resolves the resource's review item; rejecting a published resource
    also removes its pins. The suggester is notified of the first decision on their
    suggestion (not of later re-vetting). Audited."""
    pagecache.bump(PINNED)  # the "Vetted resources" boxes, once this commits
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    policies.check_manage_resource(actor, resource)
    if resource.state == Resource.State.REJECTED:
        raise ValidationError("This resource was not accepted; there is nothing to vet.")
    _check_item_not_claimed_by_other(actor, resource)
    reason = _clean_text(reason)
    was_suggestion = resource.state == Resource.State.SUGGESTED
    now = timezone.now()
    unpinned = 0
    if approve:
        resource.review_by = _clean_review_by(review_by, timezone.localdate())
        resource.state = Resource.State.VETTED
        resource.vetted_by = actor
        resource.vetted_at = now
    else:
        if not reason:
            raise ValidationError(
                {"reason": "Please say why, so the person who suggested it knows."}
            )
        resource.state = Resource.State.REJECTED
        unpinned, _ = ResourcePin.objects.filter(resource=resource).delete()
    resource.full_clean()
    resource.save()
    review_resolve_for(
        actor=actor,
        resource=resource,
        resolution="resource_vetted" if approve else "resource_rejected",
    )
    audit_record(
        actor=actor,
        action="resource.vet" if approve else "resource.reject",
        group=resource.suggested_for,
        target_user=resource.suggested_by if was_suggestion else None,
        reason=reason,
        details=_details(
            resource,
            review_by=resource.review_by.isoformat() if approve else None,
            unpinned=unpinned,
        ),
    )
    suggester = resource.suggested_by
    if was_suggestion and suggester is not None and suggester.pk != actor.pk:
        if approve:
            message = (
                f"Thank you: the resource you suggested, “{resource.title}”, has been checked "
                "by a facilitator and is now in Haven's resource library."
            )
        else:
            message = (
                f"A facilitator looked at the resource you suggested, “{resource.title}”, "
                f"and did not add it: {reason}"
            )
        notification_send(
            recipient=suggester,
            kind=Notification.Kind.RESOURCE_VETTED,
            message=message,
            url=_library_url() if approve else "",
        )
    return resource


@transaction.atomic
def resource_update(
    *,
    actor: User,
    resource: Resource,
    title: str,
    url: str,
    kind: str,
    description: str = "",
    region: str = "",
) -> Resource:
    """Correct a resource's details. Changing the web address of a vetted resource counts
    as vetting it again by the editor (they are vouching for where it now leads). Audited
    with what changed."""
    pagecache.bump(PINNED)  # the "Vetted resources" boxes, once this commits
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    policies.check_manage_resource(actor, resource)
    before = {f: getattr(resource, f) for f in ("title", "url", "description", "kind", "region")}
    _fill(resource, title=title, url=url, description=description, kind=kind, region=region)
    changed = sorted(f for f, old in before.items() if getattr(resource, f) != old)
    if "url" in changed:
        _check_not_duplicate(resource)
    if "url" in changed and resource.state == Resource.State.VETTED:
        resource.vetted_by = actor
        resource.vetted_at = timezone.now()
    resource.full_clean()
    resource.save()
    audit_record(
        actor=actor,
        action="resource.update",
        details=_details(resource, changed=changed, previous_url=before["url"]),
    )
    return resource


# --- pins ---


@transaction.atomic
def resource_pin(
    *,
    actor: User,
    resource: Resource,
    group: SupportGroup | None = None,
    thread: Thread | None = None,
) -> ResourcePin:
    """Pin a vetted resource to exactly one of a group or a thread (that group's
    facilitators and admins only). Pinning one already pinned there returns the existing
    pin and changes nothing. Audited."""
    pagecache.bump(PINNED)  # the "Vetted resources" boxes, once this commits
    if (group is None) == (thread is None):
        raise ValidationError("Pin a resource to a group or to a thread.")
    target_group = group if group is not None else thread.group
    group_policies.check_moderate_group(actor, target_group)
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.state != Resource.State.VETTED:
        raise ValidationError("Only vetted resources can be pinned.")
    existing = ResourcePin.objects.filter(resource=resource, group=group, thread=thread).first()
    if existing is not None:
        return existing
    pin = ResourcePin(resource=resource, group=group, thread=thread, pinned_by=actor)
    pin.full_clean()
    pin.save()
    audit_record(
        actor=actor,
        action="resource.pin",
        group=target_group,
        details=_details(resource, thread=thread.pk if thread else None),
    )
    return pin


@transaction.atomic
def resource_unpin(*, actor: User, pin: ResourcePin) -> None:
    """Remove a pin (that group's facilitators and admins only). Audited."""
    pagecache.bump(PINNED)  # the "Vetted resources" boxes, once this commits
    pin = (
        ResourcePin.objects.select_related("resource", "group", "thread__group")
        .select_for_update(of=("self",))
        .get(pk=pin.pk)
    )
    target_group = pin.group if pin.group_id else pin.thread.group
    group_policies.check_moderate_group(actor, target_group)
    details = _details(pin.resource, thread=pin.thread_id)
    pin.delete()
    audit_record(actor=actor, action="resource.unpin", group=target_group, details=details)


# --- re-vetting ---


def is_stale(resource: Resource, today: date | None = None) -> bool:
    """Past its review-by date (due on the day after it)."""
    today = today or timezone.localdate()
    return bool(resource.review_by and resource.review_by < today)


@transaction.atomic
def resources_review_stale(*, today: date | None = None) -> int:
    """Open a RESOURCE review item ("Due for re-vetting") for each vetted resource whose
    review-by date has passed. Idempotent: a resource with an open item gets no second one
    and no second audit entry. Hotlines come first (a wrong number is the worst outcome).
    Returns the number of items opened."""
    today = today or timezone.localdate()
    stale = (
        Resource.objects.vetted()
        .filter(review_by__lt=today)
        .exclude(
            pk__in=ReviewItem.objects.open().filter(resource__isnull=False).values("resource_id")
        )
        .select_related("suggested_for")
        .order_by("review_by", "pk")
    )
    opened = 0
    for resource in stale:
        review_open(
            kind=ReviewItem.Kind.RESOURCE,
            group=resource.suggested_for,
            resource=resource,
            severity=ReviewItem.Severity.LOW
            if resource.kind == Resource.Kind.HOTLINE
            else ReviewItem.Severity.ROUTINE,
            reason=f"{STALE_REASON} (review-by {resource.review_by:%d %b %Y}): {resource.title}",
        )
        audit_record(
            actor=None,
            action="resource.due_for_review",
            group=resource.suggested_for,
            details=_details(resource, review_by=resource.review_by.isoformat()),
        )
        opened += 1
    return opened
