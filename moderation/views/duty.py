from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from supportforum.views import attempt

from ..decorators import moderator_required
from ..forms.duty import DutySwitchForm, ShiftForm, ShiftRemoveForm, user_zone
from ..models import DutyShift, DutyStatus
from ..selectors.coverage import duty_overview_for
from ..services import duty as services

SWITCHED = {
    DutyStatus.Mode.ON: "You are on duty: new alerts in your groups come to you.",
    DutyStatus.Mode.OFF: "You are off duty. Thank you; rest well.",
    DutyStatus.Mode.ROTA: "You are following your rota again.",
}


def _back(request: HttpRequest) -> HttpResponse:
    """Back where the switch was used (the navigation is on every moderation page)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("moderation:duty")


def _act(request: HttpRequest, action: str, forms: dict) -> bool:
    """Run the posted action; True when done (a message says what happened), False to
    show the form again with its errors."""
    user = request.user
    form = forms[action]
    if not form.is_valid():
        if action == "remove":
            messages.error(request, "Please choose a shift to remove.")
        return False
    data = form.cleaned_data
    if action == "set":
        if attempt(form, lambda: services.duty_set(user=user, **data)) is None:
            return False
        messages.success(request, SWITCHED[data["mode"]])
        return True
    if action == "add":
        shift = attempt(form, lambda: services.duty_shift_add(user=user, **data))
        if shift is None:
            return False
        messages.success(request, f"Added {shift} to your rota.")
        return True
    shift = DutyShift.objects.filter(pk=data["shift"], user=user).first()
    if shift is None:
        messages.info(request, "That shift is not on your rota (already removed?).")
        return True
    services.duty_shift_remove(user=user, shift=shift)
    messages.success(request, f"Removed {shift} from your rota.")
    return True


@moderator_required
def duty_page(request: HttpRequest) -> HttpResponse:
    """Switch on or off duty, keep a weekly rota, and see who else is on duty now."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    tz = user_zone(request.user.time_zone)

    def bound(name: str):
        return request.POST if action == name else None

    forms = {
        "set": DutySwitchForm(bound("set"), tz=tz),
        "add": ShiftForm(bound("add")),
        "remove": ShiftRemoveForm(bound("remove")),
    }
    if action in forms and _act(request, action, forms):
        return _back(request) if action == "set" else redirect("moderation:duty")
    if request.method == "POST" and action not in forms:
        messages.error(request, "Please use one of the buttons on this page.")
    overview = duty_overview_for(request.user)
    if not forms["set"].is_bound:
        status = overview.status
        forms["set"].initial = {"mode": status.mode if status else DutyStatus.Mode.ROTA}
    return render(request, "moderation/duty.html", {"overview": overview, "forms": forms})
