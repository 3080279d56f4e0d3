from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from groups.models import SupportGroup
from supportforum.views import attempt

from .. import policies
from ..decorators import moderator_required
from ..forms.guidelines import GuidelineForm
from ..models import Guideline
from ..selectors.guidelines import group_rules, site_rules
from ..services import guidelines as services


def site_guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "guidelines.html", {"rules": site_rules()})


@moderator_required
def rules_manage(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """A group's facilitators edit its rules; admins edit Haven's (``slug`` None)."""
    group = get_object_or_404(SupportGroup, slug=slug) if slug else None
    policies.check_edit_rules(request.user, group)
    rules = group_rules(group) if group else site_rules()
    editing = next((r for r in rules if str(r.pk) == request.GET.get("edit", "")), None)
    instance = editing or Guideline(group=group, number=(rules[-1].number + 1 if rules else 1))
    form = GuidelineForm(request.POST or None, instance=instance)
    if request.method == "POST" and request.POST.get("delete") and editing:
        if attempt(form, lambda: services.guideline_delete(guideline=editing, actor=request.user)):
            messages.success(request, "Rule deleted.")
            return redirect(request.path)
    elif (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form, lambda: services.guideline_save(guideline=form.instance, actor=request.user)
        )
    ):
        messages.success(request, "Rule saved. Members see it at once.")
        return redirect(request.path)
    context = {"group": group, "rules": rules, "form": form, "editing": editing}
    return render(request, "moderation/rules_manage.html", context)
