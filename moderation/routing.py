from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/mod/", consumers.ModerationConsumer.as_asgi()),
]
