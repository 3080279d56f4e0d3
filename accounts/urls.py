from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/profile/", views.profile_edit, name="profile"),
    path("members/<str:handle>/", views.member_card, name="member_card"),
    path("members/<str:handle>/block/", views.member_block, name="member_block"),
    path("members/<str:handle>/unblock/", views.member_unblock, name="member_unblock"),
    path("me/blocked/", views.blocks, name="blocks"),
    path("me/filters/", views.content_filters, name="content_filters"),
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/read/", views.notifications_read, name="notifications_read"),
    path(
        "me/notifications/settings/",
        views.notification_settings,
        name="notification_settings",
    ),
    path("me/notifications/pause/", views.notifications_pause, name="notifications_pause"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("me/data/", views.data_page, name="data"),
    path("me/data/export/", views.data_export_request, name="data_export_request"),
    path("me/data/export/<str:token>/", views.data_export_download, name="data_export_download"),
    path("me/data/delete/", views.account_erase, name="account_erase"),
]
