from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("g/<slug:slug>/", views.group_detail, name="group_detail"),
    path("g/<slug:slug>/unanswered/", views.group_detail, {"unanswered": True}, name="unanswered"),
    path("g/<slug:slug>/join/", views.group_join, name="group_join"),
    path("g/<slug:slug>/leave/", views.group_leave, name="group_leave"),
    path("g/<slug:slug>/mute/", views.group_mute, name="group_mute"),
    path("g/<slug:slug>/members/", views.group_members, name="group_members"),
    path("g/<slug:slug>/requests/", views.join_requests, name="join_requests"),
    path("g/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("g/<slug:slug>/new/", views.thread_create, name="thread_create"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("t/<int:thread_id>/", views.thread_detail, name="thread_detail_short"),
    path("t/<int:thread_id>/<slug:slug>/", views.thread_detail, name="thread_detail"),
    path("t/<int:thread_id>/+reply/", views.post_reply, name="post_reply"),
    path("t/<int:thread_id>/+follow/", views.thread_subscription, name="thread_subscription"),
    path("p/<int:post_id>/", views.post_permalink, name="post_permalink"),
    path("p/<int:post_id>/live/", views.post_live, name="post_live"),
    path("p/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("p/<int:post_id>/history/", views.post_history, name="post_history"),
    path("p/<int:post_id>/react/", views.post_react, name="post_react"),
    path("p/<int:post_id>/approve/", views.post_approve, name="post_approve"),
    path("search/", views.search, name="search"),
    path("go/", views.link_out, name="link_out"),
]
