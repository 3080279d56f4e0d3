from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from groups import policies as group_policies
from groups import services as group_services
from groups.models import Post
from moderation.models import AuditLogEntry, Guideline, Sanction
from moderation.services import sanctions as services
from tests.factories import GroupFactory, MembershipFactory, make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule():
    return Guideline.objects.get(group__isnull=True, number=1)


@pytest.fixture
def thread(group, facilitator):
    return make_thread(author=facilitator, group=group)


def _fresh(user):
    """A new copy of the user: policies memoise on the instance, as within a request."""
    return type(user).objects.get(pk=user.pk)


def _apply(actor, member, rule, group, kind, duration=None):
    return services.sanction_apply(
        actor=actor,
        member=member,
        kind=kind,
        rule=rule,
        group=group,
        duration=duration,
        message="Please be kinder.",
    )


def test_ladder_suggests_the_next_step_from_history(member, facilitator, group, rule) -> None:
    assert services.suggest_step(member).kind == Sanction.Kind.WARNING
    _apply(facilitator, member, rule, group, "warning")
    step = services.suggest_step(member)
    assert (step.kind, step.duration) == (Sanction.Kind.MUTE, timedelta(hours=24))
    _apply(facilitator, member, rule, group, "mute", timedelta(hours=24))
    assert services.suggest_step(member).duration == timedelta(hours=72)
    for _ in range(5):
        _apply(facilitator, member, rule, group, "warning")
    assert services.suggest_step(member).kind == Sanction.Kind.BAN


def test_old_and_revoked_sanctions_do_not_count(member, facilitator, group, rule) -> None:
    old = _apply(facilitator, member, rule, group, "warning")
    Sanction.objects.filter(pk=old.pk).update(starts_at=timezone.now() - timedelta(days=400))
    lifted = _apply(facilitator, member, rule, group, "warning")
    services.sanction_revoke(actor=facilitator, sanction=lifted, reason="Misread the thread")
    assert services.suggest_step(member).kind == Sanction.Kind.WARNING


def test_warning_blocks_posting_until_acknowledged(member, facilitator, group, rule, thread):
    warning = _apply(facilitator, member, rule, group, "warning")
    notice = Notification.objects.get(recipient=member, kind="warning")
    assert "rule 1, “Be kind”" in notice.message
    with pytest.raises(PermissionDenied, match="acknowledge"):
        group_services.post_create(author=_fresh(member), thread=thread, body="hi")
    services.warning_acknowledge(user=member, sanction=warning)
    group_services.post_create(author=_fresh(member), thread=thread, body="hi")
    assert AuditLogEntry.objects.filter(action="warning.acknowledge").exists()


def test_mute_stops_posting_in_that_group_only_and_expires(
    member, facilitator, group, rule, thread
) -> None:
    mute = _apply(facilitator, member, rule, group, "mute", timedelta(hours=24))
    refusal = group_policies.posting_refusal(_fresh(member), group)
    assert "paused your posting in Anxiety & Panic until" in refusal
    assert "rule 1, “Be kind”" in refusal
    elsewhere = GroupFactory()
    MembershipFactory(group=elsewhere, user=member)
    assert group_policies.posting_refusal(_fresh(member), elsewhere) is None
    Sanction.objects.filter(pk=mute.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert group_policies.posting_refusal(_fresh(member), group) is None


def test_suspension_applies_everywhere_and_says_until_when(member, facilitator, group, rule):
    _apply(facilitator, member, rule, group, "suspension", timedelta(days=7))
    elsewhere = GroupFactory()
    MembershipFactory(group=elsewhere, user=member)
    refusal = group_policies.posting_refusal(_fresh(member), elsewhere)
    assert refusal.startswith("Your account is suspended until")
    assert "(6\xa0days, 23\xa0hours from now)" in refusal
    post = make_thread(author=MembershipFactory(group=elsewhere).user, group=elsewhere)
    assert not group_policies.can_react(_fresh(member), post.posts.get())


def test_mute_and_suspension_need_a_duration(member, facilitator, group, rule) -> None:
    with pytest.raises(ValidationError, match="how long"):
        _apply(facilitator, member, rule, group, "mute")
    with pytest.raises(ValidationError, match="at most a year"):
        _apply(facilitator, member, rule, group, "suspension", timedelta(days=400))
    assert not Sanction.objects.exists()


def test_only_admins_ban_or_sanction_staff(member, facilitator, group, rule, admin_user):
    with pytest.raises(PermissionDenied, match="Only an admin can ban"):
        _apply(facilitator, member, rule, group, "ban")
    colleague = MembershipFactory(group=group, role="facilitator").user
    with pytest.raises(PermissionDenied, match="facilitator or an admin"):
        _apply(facilitator, colleague, rule, group, "warning")
    ban = _apply(admin_user, member, rule, None, "ban")
    assert ban.ends_at is None
    refusal = group_policies.posting_refusal(_fresh(member), group)
    assert refusal.startswith("Your account is banned")


def test_facilitators_sanction_only_members_of_their_groups(facilitator, rule, group) -> None:
    stranger = MembershipFactory(group=GroupFactory()).user
    with pytest.raises(PermissionDenied):
        _apply(facilitator, stranger, rule, group, "warning")
    with pytest.raises(PermissionDenied):
        _apply(facilitator, stranger, rule, stranger.memberships.get().group, "warning")


def test_sanction_is_audited_with_rule_and_end(member, facilitator, group, rule) -> None:
    sanction = _apply(facilitator, member, rule, group, "mute", timedelta(hours=72))
    entry = AuditLogEntry.objects.get(action="sanction.mute")
    assert (entry.actor, entry.target_user, entry.rule, entry.group) == (
        facilitator,
        member,
        rule,
        group,
    )
    assert entry.details["ends_at"] == sanction.ends_at.isoformat()
    assert Notification.objects.get(recipient=member, kind="sanction")


def test_spam_purge_removes_every_post_and_bans(group, facilitator, rule) -> None:
    spammer = MembershipFactory(group=group, user__date_joined=timezone.now()).user
    threads = [make_thread(author=spammer, group=group, title=f"Buy {i}") for i in range(3)]
    group_services.post_create(author=spammer, thread=threads[0], body="cheap pills")
    removed = services.spam_purge(actor=facilitator, member=spammer, rule=rule, group=group)
    assert removed == 4
    assert not Post.objects.filter(author=spammer).exclude(state=Post.State.REMOVED).exists()
    assert Sanction.objects.get(user=spammer).kind == Sanction.Kind.BAN
    assert AuditLogEntry.objects.get(action="spam.purge").details["posts_removed"] == 4


def test_spam_purge_refuses_established_accounts_for_facilitators(member, facilitator, group, rule):
    type(member).objects.filter(pk=member.pk).update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    member.refresh_from_db()
    with pytest.raises(PermissionDenied, match="not new"):
        services.spam_purge(actor=facilitator, member=member, rule=rule, group=group)


# --- pages ---


def test_sanction_page_suggests_and_records(mod_client, member, group, rule) -> None:
    url = reverse("moderation:sanction_create", args=[member.handle]) + f"?group={group.slug}"
    page = mod_client.get(url).content.decode()
    assert "Formal warning <strong>(suggested from their history)</strong>" in page
    response = mod_client.post(
        url, {"rule": rule.pk, "kind": "mute", "duration": "24h", "message": "Take a breather."}
    )
    assert response.status_code == 302
    sanction = Sanction.objects.get(user=member)
    assert sanction.kind == "mute" and sanction.group == group
    assert timedelta(hours=23) < sanction.ends_at - sanction.starts_at <= timedelta(hours=24)


def test_thread_page_shows_why_and_until_when_and_links_standing(
    client, member, facilitator, group, rule, thread
) -> None:
    _apply(facilitator, member, rule, group, "mute", timedelta(hours=24))
    client.force_login(member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "paused your posting in Anxiety &amp; Panic until" in page
    assert reverse("moderation:account_standing") in page
    standing = client.get(reverse("moderation:account_standing")).content.decode()
    assert "Please be kinder." in standing and "Be kind" in standing


def test_member_acknowledges_warning_on_standing_page(client, member, facilitator, group, rule):
    warning = _apply(facilitator, member, rule, group, "warning")
    client.force_login(member)
    assert (
        "I have read this warning"
        in client.get(reverse("moderation:account_standing")).content.decode()
    )
    client.post(reverse("moderation:warning_acknowledge", args=[warning.pk]))
    warning.refresh_from_db()
    assert warning.acknowledged_at is not None


def test_members_cannot_acknowledge_others_warnings(
    client, member, other_member, facilitator, group, rule
):
    warning = _apply(facilitator, member, rule, group, "warning")
    client.force_login(other_member)
    assert (
        client.post(reverse("moderation:warning_acknowledge", args=[warning.pk])).status_code == 404
    )
