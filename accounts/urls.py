from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/profile/", views.profile_edit, name="profile"),
    path("members/<str:handle>/", views.member_card, name="member_card"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/read/", views.notifications_read, name="notifications_read"),
    path(
        "me/notifications/settings/",
        views.notification_settings,
        name="notification_settings",
    ),
    path("me/notifications/pause/", views.notifications_pause, name="notifications_pause"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
