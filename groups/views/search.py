"""Search, and the page that shows where a link leads."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from moderation.selectors.resources import link_destination
from supportforum.ratelimits import rate_limited

from .. import selectors
from ..forms import (
    SearchForm,
)

# Set after a member posts crisis language; their next view of that thread (and only
# theirs: it lives in their session) shows the crisis panel once.


def _searching(request: HttpRequest) -> bool:
    return bool(request.GET.get("q", "").strip())


@login_required
@rate_limited("search", when=_searching)
def search(request: HttpRequest) -> HttpResponse:
    """Search what the viewer may read. The query travels in the URL (a GET form), so the
    page is never cached, never indexed and never sent on as a referrer."""
    scope = selectors.search_scope(request.user)
    form = SearchForm(request.GET or None, groups=scope.groups)
    found = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        found = selectors.search(
            request.user,
            q=data["q"],
            group_slug=data["group"],
            author=data["author"],
            since=data["since"],
            until=data["until"],
            page=request.GET.get("page") or 1,
            scope=scope,
        )
    response = render(request, "groups/search.html", {"form": form, "found": found})
    patch_cache_control(response, no_store=True, private=True)
    response["Referrer-Policy"] = "no-referrer"
    response.haven_noindex = True
    return response


def link_out(request: HttpRequest) -> HttpResponse:
    """Where a link in a post leads, for members who chose to see it before they go: the
    site's name, the whole address, and whether it is among Haven's vetted resources.
    Never redirects by itself; only http and https addresses are offered."""
    link = link_destination(request.GET.get("to", ""))
    status = 200 if link is not None else 400
    response = render(request, "groups/link_out.html", {"link": link}, status=status)
    response.haven_noindex = True
    return response
