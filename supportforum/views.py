"""Shared view helpers and calm error pages: no stack trace ever reaches a member."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from groups.models import SupportGroup


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A malformed or suspicious request (SuspiciousOperation, a bad multipart body, too
    many fields): nothing was done; the reason is technical and stays out."""
    return render(request, "errors/400.html", status=400)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "errors/403.html", {"message": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token (CSRF_FAILURE_VIEW): usually a page left
    open for long, or signed out meanwhile. Django's reason is technical and stays out."""
    message = (
        "This page was open for a while, so for your safety it could not be sent. Go back, "
        "reload the page and send it again (copy your text first if you wrote something)."
    )
    return render(request, "errors/403.html", {"message": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: whatever broke may be in them.
    return HttpResponse(render_to_string("errors/500.html"), status=500)


def attempt(form: forms.Form, action: Callable[[], Any]) -> Any:
    """Run a service; turn its refusals into form errors a member can read."""
    try:
        return action()
    except ValidationError as exc:
        found = getattr(form, "personal_information_found", None)
        if found is not None and hasattr(exc, "segments"):
            found(exc)  # the personal-information guard: highlight and ask
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or "You can't do that here.")
    return None


def bench_hello(request: HttpRequest) -> HttpResponse:
    """The load benchmark's ceiling: the whole middleware stack, no query, no template.
    Routed only when HAVEN_BENCH_VIEWS is set (bench/bench_pages.py)."""
    return HttpResponse("Hello, world", content_type="text/plain")


def bench_one_query(request: HttpRequest) -> HttpResponse:
    """The load benchmark's second reference: one indexed query (a group's name by slug)."""
    name = SupportGroup.objects.filter(slug=request.GET.get("slug", "")).values_list(
        "name", flat=True
    )
    return HttpResponse(name.first() or "", content_type="text/plain")
