from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import Http404
from django.utils import timezone

from groups import services as group_services
from groups.models import Post
from moderation.models import AuditLogEntry, Flag
from moderation.services import flags as services
from moderation.services.audit import audit_record
from tests.factories import MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(group, member):
    return make_thread(author=member, group=group).posts.get()


def _flaggers(group, n: int) -> list:
    return [MembershipFactory(group=group).user for _ in range(n)]


def test_flag_create_records_reason_note_and_weight(post, other_member) -> None:
    flag = services.flag_create(
        reporter=other_member, post=post, reason="misinformation", note="  says stop meds  "
    )
    assert (flag.reason, flag.note, flag.weight, flag.state) == (
        "misinformation",
        "says stop meds",
        1.0,
        Flag.State.OPEN,
    )
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED


def test_three_distinct_members_hide_the_post_and_it_is_audited(post, group) -> None:
    first, second, third = _flaggers(group, 3)
    services.flag_create(reporter=first, post=post, reason="harassment")
    services.flag_create(reporter=second, post=post, reason="spam")
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED
    services.flag_create(reporter=third, post=post, reason="harassment")
    post.refresh_from_db()
    assert post.state == Post.State.HIDDEN
    entry = AuditLogEntry.objects.get(action="post.auto_hide")
    assert entry.post == post and entry.actor is None and entry.group == group
    assert "threshold of 3" in entry.reason


def test_threshold_is_configurable_per_group(post, group) -> None:
    group.flag_hide_threshold = 2
    group.save()
    for reporter in _flaggers(group, 2):
        services.flag_create(reporter=reporter, post=post, reason="spam")
    post.refresh_from_db()
    assert post.state == Post.State.HIDDEN


def test_facilitator_flag_is_enough_on_its_own(post, facilitator) -> None:
    flag = services.flag_create(reporter=facilitator, post=post, reason="harassment")
    assert flag.by_facilitator and flag.weight == 3
    post.refresh_from_db()
    assert post.state == Post.State.HIDDEN


def test_crisis_flags_never_hide_a_post(post, group, facilitator) -> None:
    for reporter in [*_flaggers(group, 4), facilitator]:
        services.flag_create(reporter=reporter, post=post, reason="self_harm")
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED
    assert post.flags.count() == 5


def test_reflag_within_24_hours_refused(post, other_member) -> None:
    services.flag_create(reporter=other_member, post=post, reason="spam")
    with pytest.raises(PermissionDenied, match="already flagged"):
        services.flag_create(reporter=other_member, post=post, reason="harassment")
    Flag.objects.update(created_at=timezone.now() - timedelta(hours=25))
    services.flag_create(reporter=other_member, post=post, reason="harassment")
    assert post.flags.count() == 2


def test_daily_flag_limit(group, member, other_member) -> None:
    thread = make_thread(author=member, group=group)
    posts = [
        group_services.post_create(author=member, thread=thread, body=f"p{i}") for i in range(21)
    ]
    for target in posts[:20]:
        services.flag_create(reporter=other_member, post=target, reason="spam")
    with pytest.raises(PermissionDenied, match="20 posts in the last day"):
        services.flag_create(reporter=other_member, post=posts[20], reason="spam")
    assert Flag.objects.filter(reporter=other_member).count() == 20


def test_flag_accuracy_weighs_new_flags(post, group, member) -> None:
    reliable, unreliable = _flaggers(group, 2)
    other = make_thread(author=member, group=group, title="older").posts.get()
    for _ in range(3):
        Flag.objects.create(post=other, reporter=reliable, reason="spam", weight=1, state="upheld")
        Flag.objects.create(
            post=other, reporter=unreliable, reason="spam", weight=1, state="declined"
        )
    assert services.reporter_weight(reliable) == 1.5
    assert services.reporter_weight(unreliable) == 0.5
    assert services.reporter_weight(UserFactory()) == 1.0


def test_two_reliable_reporters_hide_three_unreliable_do_not(post, group, member) -> None:
    older = make_thread(author=member, group=group, title="older").posts.get()
    reliable = _flaggers(group, 2)
    unreliable = _flaggers(group, 3)
    for person in reliable:
        for _ in range(3):
            Flag.objects.create(
                post=older, reporter=person, reason="spam", weight=1, state="upheld"
            )
    for person in unreliable:
        for _ in range(3):
            Flag.objects.create(
                post=older, reporter=person, reason="spam", weight=1, state="declined"
            )
    for person in unreliable:
        services.flag_create(reporter=person, post=post, reason="spam")
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED  # 3 x 0.5 = 1.5 < 3
    services.flag_create(reporter=reliable[0], post=post, reason="spam")
    post.refresh_from_db()
    assert post.state == Post.State.HIDDEN  # 1.5 + 1.5 = 3


def test_flag_own_post_refused(post, member) -> None:
    with pytest.raises(PermissionDenied, match="your own post"):
        services.flag_create(reporter=member, post=post, reason="spam")
    assert not Flag.objects.exists()


def test_flag_post_one_cannot_see_does_not_exist(private_group) -> None:
    insider = MembershipFactory(group=private_group).user
    target = make_thread(author=insider, group=private_group).posts.get()
    for reporter in (UserFactory(), MembershipFactory(group=private_group).user):
        if reporter.memberships.exists():
            Post.objects.filter(pk=target.pk).update(state=Post.State.PENDING)
            target.refresh_from_db()
        with pytest.raises(Http404):
            services.flag_create(reporter=reporter, post=target, reason="spam")
    assert not Flag.objects.exists()


def test_flag_unknown_reason_refused(post, other_member) -> None:
    with pytest.raises(ValidationError):
        services.flag_create(reporter=other_member, post=post, reason="i-dont-like-it")
    assert not Flag.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_audit_log_refuses_update_and_delete_at_the_database(post) -> None:
    entry = audit_record(actor=None, action="test.entry", post=post, reason="kept")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.reason == "kept"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_audit_log_refuses_repointing_an_entry(post, member, other_member) -> None:
    entry = audit_record(actor=member, action="test.entry", post=post)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).update(actor=other_member)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).update(details={"forged": True})
    entry.refresh_from_db()
    assert entry.actor == member


def test_deleting_a_member_clears_their_audit_references_but_keeps_entries(
    post, other_member
) -> None:
    entry = audit_record(
        actor=other_member, action="test.entry", target_user=other_member, reason="kept"
    )
    other_member.delete()
    entry.refresh_from_db()
    assert (entry.actor, entry.target_user, entry.reason) == (None, None, "kept")
