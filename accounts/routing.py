from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/me/", consumers.NotificationConsumer.as_asgi()),
]
