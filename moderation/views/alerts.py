from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from supportforum.views import attempt

from ..decorators import moderator_required
from ..forms.alerts import AlertFilterForm, AlertResolveForm
from ..models import CrisisAlert
from ..selectors import alerts as selectors
from ..services import crisis as services
from ..services.notes import staff_notes_read


@moderator_required
def alert_list(request: HttpRequest) -> HttpResponse:
    form = AlertFilterForm(request.GET, viewer=request.user)
    page = None
    if form.is_valid():  # bad filters show their messages, not a misleadingly wider list
        page = selectors.alert_list_for(request.user, form.filters(), page=request.GET.get("page"))
    return render(request, "moderation/alert_list.html", {"form": form, "page": page})


def _detail(request: HttpRequest, alert: CrisisAlert, form: AlertResolveForm) -> HttpResponse:
    page = selectors.alert_page_for(request.user, alert)
    # Reading staff notes is logged, which is why it is a service, not a selector.
    staff_notes = (
        staff_notes_read(reader=request.user, member=alert.subject) if page.history else []
    )
    context = {"page": page, "alert": alert, "form": form, "staff_notes": staff_notes}
    return render(request, "moderation/alert_detail.html", context)


@moderator_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    """The alert, the post in context, the member's history and the duty-of-care record.
    Opening it is recorded in that record."""
    alert = selectors.alert_for(request.user, alert_id)
    services.alert_view_record(alert=alert, viewer=request.user)
    return _detail(request, alert, AlertResolveForm())


@moderator_required
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, alert_id)
    was_open = alert.state == CrisisAlert.State.OPEN
    services.alert_acknowledge(alert=alert, actor=request.user)
    if was_open:
        messages.success(
            request, "Acknowledged: escalation stops and your colleagues can see you are on it."
        )
    else:
        messages.info(request, "Someone had already acknowledged this alert.")
    return redirect("moderation:alert_detail", alert_id=alert.pk)


@moderator_required
@require_POST
def alert_resolve(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, alert_id)
    form = AlertResolveForm(request.POST)
    if form.is_valid() and attempt(
        form,
        lambda: services.alert_resolve(
            alert=alert,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        ),
    ):
        messages.success(request, "Resolved, and recorded. Thank you for looking after them.")
        return redirect("moderation:alert_detail", alert_id=alert.pk)
    return _detail(request, alert, form)
