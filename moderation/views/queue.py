from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from groups import services as group_services
from supportforum.views import attempt

from ..decorators import moderator_required
from ..forms.actions import JoinDecisionForm, QueueFilterForm
from ..models import ReviewItem
from ..selectors import queue as selectors
from ..services import queue as services


@moderator_required
def review_queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None, groups=selectors.queue_groups_for(request.user))
    filters = selectors.QueueFilters()
    if form.is_valid():
        filters = selectors.QueueFilters(
            group=form.cleaned_data["group"],
            kind=form.cleaned_data["kind"],
            state=form.cleaned_data["state"] or ReviewItem.State.OPEN,
        )
    page = selectors.review_queue_for(request.user, filters, page=request.GET.get("page"))
    counts = selectors.review_counts_for(request.user)
    context = {"form": form, "page": page, "filters": filters, "counts": counts}
    return render(request, "moderation/queue.html", context)


@moderator_required
def review_item(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.review_item_for(request.user, item_id)
    alert = getattr(item, "crisis_alert", None) if item.kind == ReviewItem.Kind.CRISIS else None
    if alert is not None:
        return redirect(alert)  # the alert page: its post, findings and duty-of-care record
    if item.post_id:
        return redirect("moderation:post_moderate", post_id=item.post_id)
    return render(request, "moderation/review_item.html", {"item": item})


@moderator_required
@require_POST
def review_claim(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.review_item_for(request.user, item_id)
    release = request.POST.get("release") == "1"
    try:
        if release:
            services.review_release(actor=request.user, item=item)
        else:
            services.review_claim(actor=request.user, item=item)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Released." if release else "Claimed for 30 minutes.")
    return redirect(request.POST.get("next") or "moderation:review_queue")


@moderator_required
@require_POST
def join_decide(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.review_item_for(request.user, item_id)
    form = JoinDecisionForm(request.POST)
    if form.is_valid() and item.membership_id:
        approve = form.cleaned_data["decision"] == "approve"
        if attempt(
            form,
            lambda: group_services.join_request_decide(
                actor=request.user, membership=item.membership, approve=approve
            ),
        ):
            verb = "approved" if approve else "declined"
            messages.success(request, f"Request from {item.membership.user.handle} {verb}.")
            return redirect("moderation:review_queue")
    return render(request, "moderation/review_item.html", {"item": item, "form": form})
