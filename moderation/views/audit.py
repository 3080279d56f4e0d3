from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..decorators import moderator_required
from ..forms.audit import AuditFilterForm
from ..selectors.audit import audit_log_for


@moderator_required
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET, viewer=request.user)
    page = None
    if form.is_valid():  # bad filters show their messages, not a misleadingly wider log
        page = audit_log_for(request.user, filters=form.filters(), page=request.GET.get("page"))
    return render(request, "moderation/audit_log.html", {"form": form, "page": page})
