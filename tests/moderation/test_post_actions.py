import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from accounts.models import Notification
from groups.models import Post, Thread
from moderation.models import AuditLogEntry, Flag, Guideline, ReviewItem
from moderation.services import flags as flag_services
from moderation.services import posts as services
from moderation.services.flags import reporter_weight
from tests.factories import GroupFactory, MembershipFactory, make_rule, make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(group, member):
    return make_thread(author=member, group=group, title="Tough week")


@pytest.fixture
def reply(thread, other_member):
    from groups import services as group_services

    return group_services.post_create(author=other_member, thread=thread, body="Stop your meds.")


@pytest.fixture
def site_rule():
    return Guideline.objects.get(group__isnull=True, number=3)


def _flag(post, group, reason="misinformation"):
    reporter = MembershipFactory(group=group).user
    flag_services.flag_create(reporter=reporter, post=post, reason=reason)
    return reporter


def test_post_remove_cites_rule_upholds_flags_resolves_item_and_tells_author(
    reply, thread, group, facilitator, other_member, site_rule
) -> None:
    reporter = _flag(reply, group)
    services.post_remove(
        actor=facilitator, post=reply, rule=site_rule, message="Please talk to your GP instead."
    )
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.state == Post.State.REMOVED
    assert thread.reply_count == 0
    assert Flag.objects.get(reporter=reporter).state == Flag.State.UPHELD
    assert reporter_weight(reporter) > 1.0
    assert ReviewItem.objects.get().resolution == "removed"
    entry = AuditLogEntry.objects.get(action="post.remove")
    assert (entry.actor, entry.rule, entry.target_user, entry.group) == (
        facilitator,
        site_rule,
        other_member,
        group,
    )
    notice = Notification.objects.get(recipient=other_member, kind="post_removed")
    assert "rule 3, “Share experience, not prescriptions”" in notice.message
    assert "Please talk to your GP instead." in notice.message


def test_post_remove_needs_a_rule_of_this_group_or_the_site(reply, facilitator) -> None:
    foreign_rule = make_rule(GroupFactory(), title="Other group's rule")
    with pytest.raises(ValidationError, match="one of this group's or Haven's rules"):
        services.post_remove(actor=facilitator, post=reply, rule=foreign_rule)
    with pytest.raises(ValidationError, match="choose the rule"):
        services.post_remove(actor=facilitator, post=reply, rule=None)
    reply.refresh_from_db()
    assert reply.state == Post.State.PUBLISHED
    assert not AuditLogEntry.objects.filter(action="post.remove").exists()


def test_group_rule_can_be_cited(reply, group, facilitator) -> None:
    rule = make_rule(group, number=1, title="No medical advice")
    services.post_remove(actor=facilitator, post=reply, rule=rule)
    assert AuditLogEntry.objects.get(action="post.remove").rule == rule


def test_members_and_other_facilitators_cannot_moderate(reply, other_member, site_rule) -> None:
    with pytest.raises(Http404):
        services.post_remove(actor=other_member, post=reply, rule=site_rule)
    elsewhere = MembershipFactory(group=GroupFactory(), role="facilitator").user
    with pytest.raises(Http404):
        services.post_hide(actor=elsewhere, post=reply)
    reply.refresh_from_db()
    assert reply.state == Post.State.PUBLISHED


def test_hide_then_restore_keeps_reply_count_and_notifies(
    reply, thread, facilitator, other_member
) -> None:
    services.post_hide(actor=facilitator, post=reply, reason="checking")
    thread.refresh_from_db()
    assert thread.reply_count == 0
    services.post_review_approve(actor=facilitator, post=reply)
    thread.refresh_from_db()
    reply.refresh_from_db()
    assert (reply.state, thread.reply_count) == (Post.State.PUBLISHED, 1)
    kinds = list(Notification.objects.filter(recipient=other_member).values_list("kind", flat=True))
    assert kinds.count("post_hidden") == 1 and kinds.count("post_approved") == 1
    assert {"post.hide", "flags.dismiss"} <= set(
        AuditLogEntry.objects.values_list("action", flat=True)
    )


def test_auto_hidden_post_leaves_the_reply_count(reply, thread, group) -> None:
    for _ in range(3):
        _flag(reply, group, reason="spam")
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert (reply.state, thread.reply_count) == (Post.State.HIDDEN, 0)


def test_dismiss_as_unhelpful_lowers_reporter_weight(reply, group, facilitator) -> None:
    reporter = _flag(reply, group)
    services.post_review_approve(actor=facilitator, post=reply, unhelpful=True)
    assert Flag.objects.get(reporter=reporter).state == Flag.State.DECLINED
    assert reporter_weight(reporter) < 1.0
    entry = AuditLogEntry.objects.get(action="flags.dismiss")
    assert entry.details["unhelpful"] is True


def test_removing_the_opening_post_unpublishes_the_thread(thread, facilitator, site_rule):
    services.post_remove(actor=facilitator, post=thread.posts.get(), rule=site_rule)
    assert Thread.objects.get(pk=thread.pk).is_published is False


def test_removed_post_cannot_be_approved(reply, facilitator, site_rule) -> None:
    services.post_remove(actor=facilitator, post=reply, rule=site_rule)
    with pytest.raises(PermissionDenied, match="taken down"):
        services.post_review_approve(actor=facilitator, post=reply)


def test_content_warning_set_is_audited_and_author_told(reply, facilitator, other_member):
    services.content_warning_set(actor=facilitator, post=reply, content_warning=" medication ")
    reply.refresh_from_db()
    assert reply.content_warning == "medication"
    details = AuditLogEntry.objects.get(action="post.content_warning").details
    assert details["now"] == {"warning": "medication", "topics": []}
    assert details["was"] == {"warning": "", "topics": []}
    assert "“medication”" in Notification.objects.get(kind="content_warning").message
    with pytest.raises(ValidationError):
        services.content_warning_set(actor=facilitator, post=reply, content_warning="   ")


# --- the page ---


def test_post_moderate_page_shows_context_flags_and_actions(mod_client, reply, thread, group):
    reporter = _flag(reply, group)
    page = mod_client.get(reverse("moderation:post_moderate", args=[reply.pk])).content.decode()
    assert "Tough week" in page and "Stop your meds." in page and reporter.handle in page
    assert "Remove post" in page and "Suggested next step" in page
    # the opening post is shown for context
    assert thread.posts.get(is_opening=True).body in page


def test_post_moderate_page_gives_every_field_its_own_id(mod_client, reply, group) -> None:
    """Several forms on one page each have a "reason": their ids must differ, or the second
    label names the first field (assistive technology reads the wrong box)."""
    _flag(reply, group)
    url = reverse("moderation:post_moderate", args=[reply.pk])
    page = mod_client.get(url).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for target in re.findall(r'<label[^>]*\sfor="([^"]+)"', page):
        assert target in ids, f"a label for {target!r}, which no element has"
    # A refused action shows its own form's errors, bound under its own ids.
    refused = mod_client.post(url, {"action": "remove", "message": "x"}).content.decode()
    assert 'id="id_remove_rule"' in refused


def test_remove_through_the_page(mod_client, reply, site_rule, other_member) -> None:
    url = reverse("moderation:post_moderate", args=[reply.pk])
    bad = mod_client.post(url, {"action": "remove", "message": "x"})
    assert bad.status_code == 200
    assert "Please choose the rule this breaks." in bad.content.decode()
    response = mod_client.post(url, {"action": "remove", "rule": site_rule.pk, "message": "Sorry"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.state == Post.State.REMOVED
