import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..decorators import moderator_required
from ..forms.metrics import MetricsFilterForm
from ..selectors import metrics as selectors


@moderator_required
def metrics_page(request: HttpRequest) -> HttpResponse:
    """Duty-of-care metrics as charts, each with its numbers as a table."""
    form = MetricsFilterForm(request.GET, viewer=request.user)
    context: dict = {"form": form, "metrics": None}
    if form.is_valid():  # bad filters show their messages, not misleadingly wider numbers
        metrics = selectors.metrics_for(request.user, form.filters())
        context.update(
            metrics=metrics,
            charts=selectors.metrics_charts(metrics),
            query=request.GET.urlencode(),
        )
    return render(request, "moderation/metrics.html", context)


@moderator_required
def metrics_csv(request: HttpRequest) -> HttpResponse:
    """The same numbers, one row per week, as a CSV file."""
    form = MetricsFilterForm(request.GET, viewer=request.user)
    if not form.is_valid():
        return render(request, "moderation/metrics.html", {"form": form}, status=400)
    filters = form.filters()
    metrics = selectors.metrics_for(request.user, filters)
    scope = filters.group.slug if filters.group else "all-groups"
    name = f"haven-duty-of-care-{scope}-{timezone.now():%Y-%m-%d}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    csv.writer(response).writerows(selectors.metrics_csv_rows(metrics))
    return response
