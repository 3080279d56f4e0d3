"""Reads for vetted resources: the public library, the "Vetted resources" box on group and
thread pages, and the facilitators' vetting and pinning pages.

Only VETTED resources are ever shown to members. A vetted resource past its review-by date
stays visible (a hotline that is probably still right helps more than an empty box) but
is marked as being re-checked (``is_due``) until a facilitator vets it again."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from groups import policies as group_policies
from groups.models import Membership, SupportGroup, Thread
from supportforum import pagecache

from .. import policies
from ..models import Resource, ResourcePin

LIBRARY_PER_PAGE = 25
MAX_QUERY_LENGTH = 100

# Names for the regions resources are most often tagged with; any other ISO code shows as
# the code itself.
REGION_NAMES = {
    "AU": "Australia",
    "AT": "Austria",
    "BE": "Belgium",
    "BR": "Brazil",
    "CA": "Canada",
    "CH": "Switzerland",
    "DE": "Germany",
    "DK": "Denmark",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GR": "Greece",
    "HK": "Hong Kong",
    "IE": "Ireland",
    "IN": "India",
    "IT": "Italy",
    "JP": "Japan",
    "KE": "Kenya",
    "MX": "Mexico",
    "NG": "Nigeria",
    "NL": "Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PH": "Philippines",
    "PL": "Poland",
    "PT": "Portugal",
    "SE": "Sweden",
    "SG": "Singapore",
    "US": "United States",
    "ZA": "South Africa",
}


def region_label(code: str) -> str:
    if not code:
        return "Anywhere"
    return REGION_NAMES.get(code, code)


def _decorate(resource: Resource) -> Resource:
    """What a member needs to judge a link before following it: where it leads."""
    resource.region_label = region_label(resource.region)
    resource.host = (urlsplit(resource.url).hostname or "").removeprefix("www.")
    return resource


def _displayed(resources: QuerySet[Resource], today: date | None = None) -> QuerySet[Resource]:
    """Vetted only, marked ``is_due`` when past review-by, hotlines first."""
    today = today or timezone.localdate()
    return (
        resources.vetted()
        .select_related("vetted_by")
        .annotate(
            is_due=Case(
                When(review_by__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            kind_rank=Case(
                When(kind=Resource.Kind.HOTLINE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("kind_rank", "title", "pk")
    )


# --- the public library ---


@dataclass
class Library:
    page: Page
    regions: list[tuple[str, str]]
    kind: str
    region: str
    q: str
    can_curate: bool

    @property
    def region_label(self) -> str:
        return region_label(self.region)

    @property
    def filtered(self) -> bool:
        return bool(self.kind or self.region or self.q)


def resource_library(
    viewer: User,
    *,
    kind: str = "",
    region: str = "",
    q: str = "",
    page: str | int | None = None,
) -> Library:
    """The site-wide library of vetted resources, hotlines first, filtered by kind, by
    region (a region also shows resources for anywhere) and by words in the title or
    description. Three queries (regions, count, page), plus the viewer's facilitator
    roles when signed in, whatever the number of resources."""
    kind = kind if kind in Resource.Kind.values else ""
    region = (region or "").strip().upper()[:2]
    q = " ".join((q or "").replace("\x00", "").split())[:MAX_QUERY_LENGTH]
    resources = Resource.objects.all()
    if kind:
        resources = resources.filter(kind=kind)
    if region:
        resources = resources.filter(Q(region=region) | Q(region=""))
    for word in q.split():
        resources = resources.filter(Q(title__icontains=word) | Q(description__icontains=word))
    codes = (
        Resource.objects.vetted()
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )
    regions = sorted(((code, region_label(code)) for code in codes), key=lambda r: r[1])
    paginator = Paginator(
        _displayed(resources).select_related("vetted_by"),
        LIBRARY_PER_PAGE,
        allow_empty_first_page=True,
    )
    page_obj = paginator.get_page(page)
    for resource in page_obj.object_list:
        _decorate(resource)
    return Library(
        page=page_obj,
        regions=regions,
        kind=kind,
        region=region,
        q=q,
        can_curate=policies.can_moderate_in(viewer, None),
    )


# --- the "Vetted resources" box ---


PINNED = "pinned-resources"  # the kind of page fact (supportforum.pagecache)
PINNED_SECONDS = 60


def pinned_resources(
    group: SupportGroup | None = None, thread: Thread | None = None
) -> list[Resource]:
    """Vetted resources pinned to a group, or to a thread (with those pinned to its group).
    Stale ones are included, marked ``is_due``. The same for every reader, so kept
    ``PINNED_SECONDS`` in the shared cache and dropped whenever a resource is pinned,
    unpinned, edited or vetted (``services.resources``): one query when not kept."""
    if thread is not None:
        scope = Q(pins__thread=thread) | Q(pins__group_id=thread.group_id)
        part = f"t{thread.pk}"
    elif group is not None:
        scope = Q(pins__group=group)
        part = f"g{group.pk}"
    else:
        return []
    today = timezone.localdate()

    def build() -> list[Resource]:
        found = _displayed(Resource.objects.filter(scope), today).distinct()
        return [_decorate(r) for r in found]

    return pagecache.kept(PINNED, f"{part}:{today}", PINNED_SECONDS, build)


def suggestible_groups(viewer: User) -> QuerySet[SupportGroup]:
    """Groups a member may suggest a resource for: those they belong to."""
    return SupportGroup.objects.filter(
        memberships__user=viewer, memberships__status=Membership.Status.ACTIVE
    ).order_by("name")


# --- moderation pages ---


@dataclass
class VettingList:
    suggestions: list[Resource]
    due: list[Resource]


def resources_for_vetting(viewer: User) -> VettingList:
    """Suggestions the viewer may vet (those for groups they facilitate or for no group;
    admins: all) and vetted resources past their review-by date. Two queries."""
    policies.check_moderator(viewer)
    suggestions = Resource.objects.filter(state=Resource.State.SUGGESTED)
    if not group_policies.is_admin(viewer):
        suggestions = suggestions.filter(
            Q(suggested_for__isnull=True)
            | Q(suggested_for_id__in=policies.moderated_group_ids(viewer))
        )
    due = (
        Resource.objects.vetted()
        .filter(review_by__lt=timezone.localdate())
        .select_related("vetted_by")
        .order_by("review_by", "pk")
    )
    return VettingList(
        suggestions=list(
            suggestions.select_related("suggested_by", "suggested_for").order_by("created_at")
        ),
        due=list(due),
    )


def resource_for_moderation(viewer: User, resource_id: int) -> Resource:
    """A resource the viewer may vet or edit; others do not exist for them (404)."""
    resource = get_object_or_404(
        Resource.objects.select_related("suggested_by", "suggested_for", "vetted_by"),
        pk=resource_id,
    )
    if resource.state == Resource.State.SUGGESTED:
        allowed = policies.can_moderate_in(viewer, resource.suggested_for_id)
    else:
        allowed = policies.can_moderate_in(viewer, None)
    if not allowed:
        raise group_policies.Hidden("No such resource.")
    return _decorate(resource)


def _check_pins_of(viewer: User, group: SupportGroup) -> None:
    """Another group's pins do not exist for those who cannot moderate it (404), as for
    every group-scoped moderation page."""
    if not group_policies.can_moderate_group(viewer, group):
        raise group_policies.Hidden("No such page.")


def pin_for_moderation(viewer: User, pin_id: int) -> ResourcePin:
    """A pin the viewer may remove (its group's facilitators and admins); else 404."""
    pin = get_object_or_404(
        ResourcePin.objects.select_related("resource", "group", "thread__group"), pk=pin_id
    )
    _check_pins_of(viewer, pin.group if pin.group_id else pin.thread.group)
    return pin


@dataclass
class PinPage:
    group: SupportGroup
    thread: Thread | None
    pins: list[ResourcePin]
    choices: QuerySet[Resource]


def pin_page(viewer: User, *, group_slug: str = "", thread_id: int | None = None) -> PinPage:
    """The resources pinned to a group or a thread and the vetted ones that could be, for
    that group's facilitators and admins (others: 404)."""
    thread = None
    if thread_id is not None:
        thread = get_object_or_404(Thread.objects.select_related("group"), pk=thread_id)
        group = thread.group
    else:
        group = get_object_or_404(SupportGroup, slug=group_slug)
    _check_pins_of(viewer, group)
    target = Q(thread=thread) if thread is not None else Q(group=group)
    pins = list(
        ResourcePin.objects.filter(target)
        .select_related("resource", "pinned_by")
        .order_by("resource__title", "pk")
    )
    pinned_ids = [pin.resource_id for pin in pins]
    choices = Resource.objects.vetted().exclude(pk__in=pinned_ids).order_by("kind", "title")
    return PinPage(group=group, thread=thread, pins=pins, choices=choices)


@dataclass
class LinkDestination:
    target: str
    host: str
    vetted: "Resource | None"


def link_destination(target: str) -> LinkDestination | None:
    """Where a link leads, for the page that shows it before a member goes: an http(s)
    address with a host (None for anything else, malformed ones included) and the vetted
    resource on that site, if any. One query."""
    target = target.replace("\x00", "").strip()[:2000]
    try:
        parts = urlsplit(target)
        host = parts.hostname
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 address)
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    return LinkDestination(target, host, vetted_resource_for(target))


def vetted_resource_for(url: str) -> "Resource | None":
    """A vetted resource on the same site as ``url`` (host equal, ignoring "www."), for
    the "where a link leads" page. One query over the vetted resources' addresses."""
    host = _host(url)
    if not host:
        return None
    for resource in Resource.objects.vetted().only("pk", "title", "url"):
        if _host(resource.url) == host:
            return resource
    return None


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")
