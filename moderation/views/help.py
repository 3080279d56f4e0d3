""" "I need help now": the crisis lines for the member's country (public, signed out too),
a private request to talk to a facilitator, and the check of a draft while it is written.

The draft check stores and logs nothing of what it reads: no model is written, nothing is
cached, the text is never passed to a logger, and the parameters are hidden from error
reports."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from groups import policies as group_policies
from groups.models import SupportGroup
from supportforum.views import attempt

from .. import pii
from ..forms.help import DraftForm, RegionForm, TalkForm
from ..models import CrisisAlert
from ..selectors.alerts import has_open_help_request
from ..selectors.crisis_lines import crisis_line_regions, lines_for
from ..services.help import help_request_raise
from ..services.lexicon import assess_text
from ..services.personal import personal_information_in

REQUESTED = "haven_help_requested"
DRAFT_CHECKS_PER_MINUTE = 60


def _help_context(request: HttpRequest, talk_form: TalkForm | None = None) -> dict:
    picker = RegionForm(request.GET)
    region = picker.cleaned_data["region"] if picker.is_valid() else ""
    member = request.user if request.user.is_authenticated else None
    return {
        "crisis": lines_for(region) if region else lines_for(request.user),
        "regions": crisis_line_regions(),
        "talk_form": talk_form or (TalkForm(member=member) if member else None),
        "open_request": bool(member) and has_open_help_request(member),
        "requested": request.session.pop(REQUESTED, False),
    }


def help_page(request: HttpRequest) -> HttpResponse:
    """Public: anyone, signed in or not, reaches the lines in one step."""
    return render(request, "moderation/help.html", _help_context(request))


@login_required
@require_POST
@sensitive_post_parameters("message")
def help_talk(request: HttpRequest) -> HttpResponse:
    """Ask a facilitator to contact you. Asking again while a request is open confirms
    without paging anyone twice."""
    form = TalkForm(request.POST, member=request.user)
    if form.is_valid():
        result = attempt(form, lambda: help_request_raise(member=request.user, **form.cleaned_data))
        if result is not None:
            if request.htmx:
                return render(request, "moderation/_talk_done.html")
            request.session[REQUESTED] = True
            return redirect("moderation:help")
    if request.htmx:
        return render(request, "moderation/_talk_form.html", {"talk_form": form})
    return render(request, "moderation/help.html", _help_context(request, talk_form=form))


def _over_limit(user_id: int) -> bool:
    """A light brake on the draft check (a counter per member and minute: never the text)."""
    key = f"haven:draft-check:{user_id}:{timezone.now():%Y%m%d%H%M}"
    try:
        cache.add(key, 0, timeout=90)
        return cache.incr(key) > DRAFT_CHECKS_PER_MINUTE
    except Exception:  # a cache outage must not stop the check
        return False


@never_cache
@login_required
@require_POST
@sensitive_post_parameters("title", "body")
def draft_check(request: HttpRequest) -> HttpResponse:
    """htmx, while a member writes: the crisis panel when the draft reads as crisis
    language (moderate or above), else a note if it holds personal information, else an
    empty fragment. Stores and logs nothing."""
    if _over_limit(request.user.pk):
        return HttpResponse("", status=429)
    form = DraftForm(request.POST)
    if not form.is_valid():
        return HttpResponse("")
    group_id = form.cleaned_data.get("group")
    group = SupportGroup.objects.filter(pk=group_id).first() if group_id else None
    if assess_text(form.draft()).severity < CrisisAlert.Severity.MODERATE:
        return _personal_hint(request, form.draft(), group)
    context = {
        "crisis": lines_for(request.user),
        "panel_group": group if group and group_policies.is_member(request.user, group) else None,
        "panel_kind": "draft",
    }
    return render(request, "moderation/_crisis_panel.html", context)


def _personal_hint(request: HttpRequest, draft: str, group: SupportGroup | None) -> HttpResponse:
    """A gentle note when a draft (of a member, not staff) holds personal information,
    before they press Post; the guard asks again on posting."""
    if group is not None and group_policies.can_moderate_group(request.user, group):
        return HttpResponse("")
    found = personal_information_in({"draft": draft}).get("draft", [])
    if not found:
        return HttpResponse("")
    kinds = [kind for kind in pii.KINDS if any(f.kind == kind for f in found)]
    context = {"labels": [pii.LABELS[kind] for kind in kinds]}
    return render(request, "moderation/_personal_hint.html", context)
