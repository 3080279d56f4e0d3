"""Haven's error pages (supportforum/views.py, templates/errors/): calm words, the crisis
line where a person may be struggling, and never a stack trace or a technical detail."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, resolve, reverse

from supportforum.urls import (  # noqa: F401 (used by Django)
    handler400,
    handler403,
    handler404,
    handler500,
)
from supportforum.urls import urlpatterns as site_urlpatterns

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

SECRET = "db-password-hunter2-in-the-exception"
TECHNICAL = [
    "Traceback",
    "RuntimeError",
    SECRET,
    'File "',
    "site-packages",
    "DEBUG = True",
    "Using the URLconf",
    "CSRF verification failed",
    "Reason given",
]


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(SECRET)


def refuse_kindly(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("Only members of this group can see this.")


# This module is the URLconf of the tests below: the whole site, plus views that fail.
urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/refuse/", refuse),
    path("test-errors/refuse-kindly/", refuse_kindly),
    path("test-errors/suspicious/", suspicious),
    *site_urlpatterns,
]


def _calm(html: str) -> None:
    for word in TECHNICAL:
        assert word not in html, word


@pytest.fixture
def site(settings, client):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


def test_a_server_error_shows_the_calm_page(site) -> None:
    response = site.get("/test-errors/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "Nothing you had already saved has been lost" in html
    assert "If you are in danger now, please call your local emergency number" in html
    _calm(html)


def test_a_server_error_for_a_member_too(site, member) -> None:
    site.force_login(member)
    response = site.get("/test-errors/boom/")
    assert response.status_code == 500
    _calm(response.content.decode())


def test_the_server_error_page_links_lead_somewhere(site) -> None:
    html = site.get("/test-errors/boom/").content.decode()
    assert 'href="/help/"' in html and resolve("/help/").view_name == "moderation:help"
    assert 'href="/"' in html and resolve("/").view_name == "groups:directory"


def test_not_found_is_calm(site, member) -> None:
    site.force_login(member)
    response = site.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We couldn't find that page" in html and "Go to the groups" in html
    _calm(html)
    assert "no-such-page" not in html and "urlpatterns" not in html


def test_a_bad_request_is_calm(site, member) -> None:
    """A suspicious request (here raised by a view; Django raises the same for a wrong
    Host header or too many form fields) gets the calm 400 page, the reason kept out."""
    site.force_login(member)
    response = site.get("/test-errors/suspicious/")
    html = response.content.decode()
    assert response.status_code == 400
    assert "We couldn't read that request" in html and "nothing was changed" in html
    _calm(html)


def test_too_many_form_fields_is_a_calm_400(site, settings) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = site.post(reverse("account_login"), {f"field{n}": "x" for n in range(10)})
    assert response.status_code == 400
    assert "We couldn't read that request" in response.content.decode()


def test_forbidden_is_calm(site, member) -> None:
    site.force_login(member)
    response = site.get("/test-errors/refuse/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "You can't do that here" in html
    assert "You don't have permission for this page." in html
    _calm(html)


def test_forbidden_says_why_in_the_words_of_the_refusal(site, member) -> None:
    site.force_login(member)
    html = site.get("/test-errors/refuse-kindly/").content.decode()
    assert "Only members of this group can see this." in html
    _calm(html)


def test_a_stale_form_is_refused_calmly(settings, member, group) -> None:
    settings.DEBUG = False
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    url = reverse("groups:post_reply", args=[0])
    response = browser.post(url, {"body": "Hello"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "for your safety it could not be sent" in html
    _calm(html)
