from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from supportforum.db_routers import replica_reads
from supportforum.views import attempt

from ..decorators import moderator_required
from ..forms.resources import (
    LibraryFilterForm,
    PinForm,
    PinTargetForm,
    ResourceCreateForm,
    ResourceForm,
    SuggestForm,
    VetForm,
)
from ..models import DIGITAL_LITERACY_SLUG, GuidePage, Resource
from ..selectors import resources as selectors
from ..services import resources as services

# --- public ---


def guide(request: HttpRequest, slug: str) -> HttpResponse:
    """A guide page (public: the digital-literacy guide helps before anyone signs up)."""
    with replica_reads():  # admins' text, seconds of lag harmless (supportforum.db_routers)
        page = get_object_or_404(GuidePage, slug=slug)
    return render(request, "moderation/guide.html", {"page": page})


def resource_library(request: HttpRequest) -> HttpResponse:
    filters = LibraryFilterForm(request.GET)
    filters.is_valid()
    with replica_reads():  # vetted resources: read-only, evaluated inside the selector
        library = selectors.resource_library(
            request.user,
            kind=filters.cleaned_data.get("kind", ""),
            region=filters.cleaned_data.get("region", ""),
            q=filters.cleaned_data.get("q", ""),
            page=request.GET.get("page"),
        )
        guide_page = GuidePage.objects.filter(slug=DIGITAL_LITERACY_SLUG).first()
    context = {"library": library, "kinds": Resource.Kind.choices, "guide": guide_page}
    return render(request, "moderation/resources/library.html", context)


@login_required
def resource_suggest(request: HttpRequest) -> HttpResponse:
    groups = selectors.suggestible_groups(request.user)
    form = SuggestForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        resource = attempt(
            form, lambda: services.resource_suggest(suggester=request.user, **form.cleaned_data)
        )
        if resource is not None:
            messages.success(
                request,
                "Thank you for suggesting a resource. A facilitator will check it before it "
                "appears in the library; you'll get a notification when they have.",
            )
            return redirect("moderation:resource_library")
    return render(request, "moderation/resources/suggest.html", {"form": form})


# --- moderation ---


@moderator_required
def resource_manage(request: HttpRequest) -> HttpResponse:
    listing = selectors.resources_for_vetting(request.user)
    return render(request, "moderation/resources/manage.html", {"listing": listing})


@moderator_required
def resource_add(request: HttpRequest) -> HttpResponse:
    form = ResourceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resource = attempt(
            form, lambda: services.resource_create(actor=request.user, **form.cleaned_data)
        )
        if resource is not None:
            messages.success(request, f"“{resource.title}” is in the library.")
            return redirect("moderation:resource_manage")
    return render(request, "moderation/resources/form.html", {"form": form, "resource": None})


@moderator_required
def resource_edit(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = selectors.resource_for_moderation(request.user, resource_id)
    initial = {f: getattr(resource, f) for f in ("title", "url", "kind", "region", "description")}
    form = ResourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            lambda: services.resource_update(
                actor=request.user, resource=resource, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, "Changes saved.")
            return redirect("moderation:resource_manage")
    return render(request, "moderation/resources/form.html", {"form": form, "resource": resource})


@moderator_required
def resource_vet(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = selectors.resource_for_moderation(request.user, resource_id)
    form = VetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        approve = data["decision"] == "approve"
        vetted = attempt(
            form,
            lambda: services.resource_vet(
                actor=request.user,
                resource=resource,
                approve=approve,
                review_by=data["review_by"],
                reason=data["reason"],
            ),
        )
        if vetted is not None:
            if approve:
                messages.success(
                    request, f"“{resource.title}” is vetted until {vetted.review_by:%d %B %Y}."
                )
            else:
                messages.info(request, f"“{resource.title}” will not be published.")
            return redirect("moderation:resource_manage")
    return render(request, "moderation/resources/vet.html", {"form": form, "resource": resource})


def _pin_target(request: HttpRequest) -> selectors.PinPage:
    target = PinTargetForm(request.GET)
    if not target.is_valid():
        raise Http404("No such group or thread.")
    return selectors.pin_page(
        request.user,
        group_slug=target.cleaned_data["group"] or "",
        thread_id=target.cleaned_data["thread"],
    )


@moderator_required
def resource_pins(request: HttpRequest) -> HttpResponse:
    page = _pin_target(request)
    form = PinForm(request.POST or None, choices=page.choices)
    if request.method == "POST" and form.is_valid():
        where = {"thread": page.thread} if page.thread else {"group": page.group}
        pin = attempt(
            form,
            lambda: services.resource_pin(
                actor=request.user, resource=form.cleaned_data["resource"], **where
            ),
        )
        if pin is not None:
            messages.success(request, f"“{pin.resource.title}” is pinned.")
            return redirect(request.get_full_path())
    return render(request, "moderation/resources/pins.html", {"page": page, "form": form})


@moderator_required
@require_POST
def resource_unpin(request: HttpRequest, pin_id: int) -> HttpResponse:
    pin = selectors.pin_for_moderation(request.user, pin_id)
    services.resource_unpin(actor=request.user, pin=pin)
    messages.info(request, f"“{pin.resource.title}” is no longer pinned.")
    query = f"thread={pin.thread_id}" if pin.thread_id else f"group={pin.group.slug}"
    return redirect(f"{reverse('moderation:resource_pins')}?{query}")
