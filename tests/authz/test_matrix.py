"""The authorisation matrix: every URL pattern of the site (walked from the resolver),
by every role, by GET and POST and POST, compared with the reviewed table in ``expected_http.csv``.

Each cell is one request made in a savepoint that is rolled back (so a POST that works
changes nothing for the next cell) with a clean cache. The outcome is one word: ``ok``
(2xx), ``login`` (sent to sign in), ``mfa`` (sent to set up or pass two-factor),
``admin-login``, ``redirect`` (anywhere else: a form done, a page moved on) or the status
(400, 403, 404, 405, 429, 500). Any cell that differs from the table fails, listed.

To regenerate the table deliberately (then review every changed row!):
``HAVEN_AUTHZ_WRITE=1 pytest tests/authz/test_matrix.py``. The ``note`` column of the
table is kept across regenerations: it records why a surprising cell is right.

Django's admin has its own gate: every admin pattern is checked for the non-staff roles
(they must be sent to the admin's log-in), not tabulated.
"""

import csv
import os
from pathlib import Path

import pytest
from django.http import HttpResponse

from .routes import (
    ADMIN_ROUTES,
    BODIES,
    POLICY,
    SITE_ROUTES,
    isolated_request,
    policy_problem,
    url_for,
    walk,
)
from .world import ROLES, build_world, role_clients

pytestmark = pytest.mark.django_db

EXPECTED = Path(__file__).with_name("expected_http.csv")
METHODS = ("GET", "POST")
FIELDS = ["route", "role", "GET", "POST", "note"]


@pytest.fixture
def _db_sessions(settings):
    """Sessions in the database only, so a rolled-back request rolls its session back too
    (the cached_db engine would keep the change in Redis)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def _read_expected() -> dict[tuple[str, str], dict[str, str]]:
    if not EXPECTED.exists():
        return {}
    with EXPECTED.open(newline="") as handle:
        return {(row["route"], row["role"]): row for row in csv.DictReader(handle)}


def _write_expected(actual: dict, old: dict) -> None:
    with EXPECTED.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for (route, role), cells in actual.items():
            note = old.get((route, role), {}).get("note", "")
            writer.writerow({"route": route, "role": role, **cells, "note": note})


def test_http_matrix(_db_sessions) -> None:
    world = build_world()
    clients = role_clients(world)
    actual: dict[tuple[str, str], dict[str, str]] = {}
    for route in SITE_ROUTES:
        url = url_for(route, world, world.main)
        body = BODIES[route.name](world, world.main) if route.name in BODIES else {}
        for role in ROLES:
            actual[(route.name, role)] = {
                method: isolated_request(clients[role], method, url, body) for method in METHODS
            }

    expected = _read_expected()
    if os.environ.get("HAVEN_AUTHZ_WRITE") == "1":
        _write_expected(actual, expected)
        expected = _read_expected()

    differences = []
    for key in sorted(set(actual) | set(expected)):
        route, role = key
        if key not in expected:
            differences.append(f"{route} × {role}: not in the table (got {actual[key]})")
            continue
        if key not in actual:
            differences.append(f"{route} × {role}: in the table but no such route now")
            continue
        for method in METHODS:
            if actual[key][method] != expected[key][method]:
                differences.append(
                    f"{route} × {role} {method}: expected {expected[key][method]}, "
                    f"got {actual[key][method]}"
                )
    summary = (
        f"{len(ROLES)} roles × {len(SITE_ROUTES)} routes × {len(METHODS)} methods, "
        f"{len(differences)} unexpected"
    )
    print(f"\nHTTP authorisation matrix: {summary}")
    assert not differences, summary + ":\n" + "\n".join(differences)


# The admin's gate asks one question (is_staff); these are the three shapes of non-staff
# session (none, a member, a facilitator who passed two-factor), to keep the run short.
ADMIN_CHECKED_ROLES = ("anonymous", "group_member", "facilitator")


def test_admin_is_staff_only(_db_sessions) -> None:
    """Every page of Django's admin sends every non-staff role to the admin's log-in
    (its log-in page itself answers; its log-out is POST-only and sends them there too)."""
    world = build_world()
    clients = role_clients(world)
    own = {
        "admin:login": {"GET": "ok", "POST": "ok"},
        # Django's log-out signs anyone out (a no-op for them) and leaves for the site.
        "admin:logout": {"GET": "redirect", "POST": "redirect"},
    }
    wrong = []
    for route in ADMIN_ROUTES:
        url = url_for(route, world, world.main)
        for role in ADMIN_CHECKED_ROLES:
            for method in METHODS:
                want = own.get(route.name, {}).get(method, "admin-login")
                got = isolated_request(clients[role], method, url)
                if got != want:
                    wrong.append(f"{route.name} × {role} {method}: expected {want}, got {got}")
    print(
        f"\nAdmin: {len(ADMIN_CHECKED_ROLES)} non-staff roles × {len(ADMIN_ROUTES)} routes, "
        f"{len(wrong)} unexpected"
    )
    assert not wrong, "\n".join(wrong)


def test_the_walk_sees_every_kind_of_route() -> None:
    """A broken walk would make the matrix vacuous."""
    names = {route.name for route in walk()}
    assert {"groups:thread_detail", "moderation:review_queue", "accounts:profile"} <= names
    assert {"account_login", "mfa_activate_totp", "admin:index"} <= names
    assert len(SITE_ROUTES) > 100


def test_a_page_without_the_strict_policy_differs_from_every_cell() -> None:
    """The policy check inside each cell can fail: an HTML page without the header, or
    with a loosened one, gets an outcome no row of the table holds."""
    page = HttpResponse("<p>hello</p>")
    assert policy_problem(page) == "-without-csp"
    page["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"
    assert policy_problem(page) == "-weak-csp"
    page["Content-Security-Policy"] = "; ".join(POLICY)
    assert policy_problem(page) == ""
    assert policy_problem(HttpResponse(b"{}", content_type="application/json")) == ""
    with EXPECTED.open(newline="") as handle:
        assert not any("csp" in cell for row in csv.reader(handle) for cell in row[:4])
