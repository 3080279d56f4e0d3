"""IDOR: every URL whose arguments point at something in a group, filled with the PRIVATE
group's objects and requested by a signed-in non-member and by a facilitator of another
group, answers 404 (GET and POST): never 403, which would confirm the object exists."""

import pytest
from django.test import Client

from .routes import BODIES, SITE_ROUTES, isolated_request, url_for
from .world import build_world, sign_in

pytestmark = pytest.mark.django_db

# Arguments that point at a group's things.
SCOPED = {"slug", "thread_id", "post_id", "meeting_id", "alert_id", "item_id", "note_id"}
SCOPED |= {"pin_id", "resource_id", "sanction_id"}

# Routes with such an argument that are not about a group's objects, and why.
NOT_GROUP_OBJECTS = {
    "moderation:guide": "a public guide page (its slug is not a group's)",
    "moderation:warning_acknowledge": "a warning to its member: 404 for everyone else alike",
}


# What a private group shows an outsider by design: its landing page (to ask to join, as
# its join policy allows) and the join/leave/mute forms, which act only on the asker's
# own membership. Reviewed, not a leak of content (the slug is the group's address).
LANDING = {
    "groups:group_detail": {"GET": "ok", "POST": "ok"},
    "groups:unanswered": {"GET": "ok", "POST": "ok"},
    "groups:group_join": {"GET": "ok", "POST": "redirect"},
    "groups:group_leave": {"POST": "redirect"},
    "groups:group_mute": {"POST": "redirect"},
}


def _allowed(route, role: str, method: str, got: str) -> bool:
    if got in ("404", "405"):
        return True
    if LANDING.get(route.name, {}).get(method) == got:
        return True
    # Under /mod/ a member is refused by the moderator gate before any object is looked
    # up: the same 403 for every id, existing or not, so it confirms nothing.
    return role == "member" and route.route.startswith("mod/") and got == "403"


def _routes():
    return [r for r in SITE_ROUTES if SCOPED & set(r.kwargs) and r.name not in NOT_GROUP_OBJECTS]


def test_private_objects_do_not_exist_for_outsiders(settings) -> None:
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    world = build_world()
    clients = {}
    for role in ("member", "other_facilitator"):
        clients[role] = sign_in(
            Client(raise_request_exception=False),
            world.users[role],
            mfa=role == "other_facilitator",
        )
    routes = _routes()
    leaks = []
    for route in routes:
        url = url_for(route, world, world.private)
        body = BODIES[route.name](world, world.private) if route.name in BODIES else {}
        for role, client in clients.items():
            for method in ("GET", "POST"):
                got = isolated_request(client, method, url, body)
                if not _allowed(route, role, method, got):
                    leaks.append(f"{route.name} × {role} {method} {url}: {got}")
    summary = f"IDOR: 2 roles × {len(routes)} routes × 2 methods, {len(leaks)} unexpected"
    print(f"\n{summary}")
    assert not leaks, summary + ":\n" + "\n".join(leaks)
