from django.urls import path

from .views import (
    actions,
    alerts,
    audit,
    concerns,
    duty,
    flags,
    guidelines,
    help,
    members,
    metrics,
    queue,
    resources,
    threads,
)

app_name = "moderation"

# One section per area; every page under mod/ requires a facilitator or admin with MFA.
urlpatterns = [
    path("p/<int:post_id>/flag/", flags.flag_create, name="flag_create"),
]

# Crisis care for members: "I need help now" (public), the draft check, and wellbeing
# concerns ("I'm worried about this member"), separate from rule flags.
urlpatterns += [
    path("help/", help.help_page, name="help"),
    path("help/talk/", help.help_talk, name="help_talk"),
    path("help/check/", help.draft_check, name="draft_check"),
    path("p/<int:post_id>/concern/", concerns.concern_post, name="concern_post"),
    path("members/<str:handle>/concern/", concerns.concern_member, name="concern_member"),
]

# Review queue, post actions and sanctions
urlpatterns += [
    path("mod/queue/", queue.review_queue, name="review_queue"),
    path("mod/queue/<int:item_id>/", queue.review_item, name="review_item"),
    path("mod/queue/<int:item_id>/claim/", queue.review_claim, name="review_claim"),
    path("mod/queue/<int:item_id>/join/", queue.join_decide, name="join_decide"),
    path("mod/p/<int:post_id>/", actions.post_moderate, name="post_moderate"),
    path("mod/sanction/<str:handle>/", actions.sanction_create, name="sanction_create"),
    path("mod/sanctions/<int:sanction_id>/lift/", actions.sanction_revoke, name="sanction_revoke"),
    path("mod/spam/<str:handle>/", actions.spam_purge, name="spam_purge"),
    path("me/standing/", actions.account_standing, name="account_standing"),
    path(
        "me/standing/<int:sanction_id>/acknowledge/",
        actions.warning_acknowledge,
        name="warning_acknowledge",
    ),
]

# Audit log
urlpatterns += [
    path("mod/log/", audit.audit_log, name="audit_log"),
]

# Members and staff notes
urlpatterns += [
    path("mod/members/<str:handle>/", members.member_detail, name="member"),
    path(
        "mod/members/<str:handle>/reveal-email/",
        members.member_reveal_email,
        name="member_reveal_email",
    ),
]

# Thread tools and facilitator notes
urlpatterns += [
    path("mod/t/<int:thread_id>/", threads.thread_tools, name="thread_tools"),
    path(
        "mod/p/<int:post_id>/note/",
        threads.facilitator_note_add,
        name="facilitator_note_add",
    ),
    path(
        "mod/notes/<int:note_id>/delete/",
        threads.facilitator_note_delete,
        name="facilitator_note_delete",
    ),
]

# Vetted resources
urlpatterns += [
    path("resources/", resources.resource_library, name="resource_library"),
    path("guides/<slug:slug>/", resources.guide, name="guide"),
    path("resources/suggest/", resources.resource_suggest, name="resource_suggest"),
    path("mod/resources/", resources.resource_manage, name="resource_manage"),
    path("mod/resources/add/", resources.resource_add, name="resource_add"),
    path("mod/resources/pin/", resources.resource_pins, name="resource_pins"),
    path(
        "mod/resources/pins/<int:pin_id>/unpin/",
        resources.resource_unpin,
        name="resource_unpin",
    ),
    path("mod/resources/<int:resource_id>/vet/", resources.resource_vet, name="resource_vet"),
    path("mod/resources/<int:resource_id>/edit/", resources.resource_edit, name="resource_edit"),
]

# Rules
urlpatterns += [
    path("mod/rules/", guidelines.rules_manage, name="site_rules_manage"),
    path("mod/g/<slug:slug>/rules/", guidelines.rules_manage, name="group_rules_manage"),
]

# Crisis alerts, duty cover and duty-of-care metrics
urlpatterns += [
    path("mod/alerts/", alerts.alert_list, name="alert_list"),
    path("mod/alerts/<int:alert_id>/", alerts.alert_detail, name="alert_detail"),
    path(
        "mod/alerts/<int:alert_id>/acknowledge/",
        alerts.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path("mod/alerts/<int:alert_id>/resolve/", alerts.alert_resolve, name="alert_resolve"),
    path("mod/duty/", duty.duty_page, name="duty"),
    path("mod/metrics/", metrics.metrics_page, name="metrics"),
    path("mod/metrics.csv", metrics.metrics_csv, name="metrics_csv"),
]
