"""ASGI entry point: HTTP through Django, websockets through Channels."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportforum.settings")
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402

from supportforum.handlers import OneHopASGIHandler  # noqa: E402

django_asgi_app = OneHopASGIHandler(threads=settings.HAVEN_REQUEST_THREADS)

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from accounts.routing import websocket_urlpatterns as accounts_ws  # noqa: E402
from groups.routing import websocket_urlpatterns as groups_ws  # noqa: E402
from moderation.routing import websocket_urlpatterns as moderation_ws  # noqa: E402
from supportforum import embedded_beat  # noqa: E402
from supportforum.celery import app as celery_app  # noqa: E402
from supportforum.settle import settle  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter([*accounts_ws, *groups_ws, *moderation_ws]))
        ),
    }
)

embedded_beat.start(celery_app)
settle()
