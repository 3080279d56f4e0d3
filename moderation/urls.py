from django.urls import path

from .views import actions, audit, flags, guidelines, members, queue, resources, threads

app_name = "moderation"

# One section per area; every page under mod/ requires a facilitator or admin with MFA.
urlpatterns = [
    path("p/<int:post_id>/flag/", flags.flag_create, name="flag_create"),
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
