from django.urls import path

from .views import groups, meetings, search, threads

app_name = "groups"

urlpatterns = [
    path("", groups.directory, name="directory"),
    path("g/<slug:slug>/", groups.group_detail, name="group_detail"),
    path("g/<slug:slug>/unanswered/", groups.group_detail, {"unanswered": True}, name="unanswered"),
    path("g/<slug:slug>/join/", groups.group_join, name="group_join"),
    path("g/<slug:slug>/leave/", groups.group_leave, name="group_leave"),
    path("g/<slug:slug>/mute/", groups.group_mute, name="group_mute"),
    path("g/<slug:slug>/members/", groups.group_members, name="group_members"),
    path("g/<slug:slug>/requests/", groups.join_requests, name="join_requests"),
    path("g/<slug:slug>/invitations/", groups.invitations, name="invitations"),
    path("g/<slug:slug>/new/", threads.thread_create, name="thread_create"),
    path("invite/<str:token>/", groups.invitation_accept, name="invitation_accept"),
    path("t/<int:thread_id>/", threads.thread_detail, name="thread_detail_short"),
    path("t/<int:thread_id>/<slug:slug>/", threads.thread_detail, name="thread_detail"),
    path("t/<int:thread_id>/+reply/", threads.post_reply, name="post_reply"),
    path("t/<int:thread_id>/+follow/", threads.thread_subscription, name="thread_subscription"),
    path("p/<int:post_id>/", threads.post_permalink, name="post_permalink"),
    path("p/<int:post_id>/live/", threads.post_live, name="post_live"),
    path("p/<int:post_id>/edit/", threads.post_edit, name="post_edit"),
    path("p/<int:post_id>/delete/", threads.post_delete, name="post_delete"),
    path("p/<int:post_id>/history/", threads.post_history, name="post_history"),
    path("p/<int:post_id>/react/", threads.post_react, name="post_react"),
    path("p/<int:post_id>/approve/", threads.post_approve, name="post_approve"),
    path("search/", search.search, name="search"),
    path("go/", search.link_out, name="link_out"),
    path("g/<slug:slug>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/rsvp/", meetings.meeting_rsvp, name="meeting_rsvp"),
    *(
        path(
            f"meetings/<int:meeting_id>/{action}/",
            meetings.meeting_action,
            {"action": action},
            name=f"meeting_{action}",
        )
        for action in meetings.MEETING_ACTIONS
    ),
    path("meetings/<int:meeting_id>/calendar.ics", meetings.meeting_ics, name="meeting_ics"),
    path("me/calendar/", meetings.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", meetings.calendar_feed, name="calendar_feed"),
]
