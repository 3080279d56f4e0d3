"""Digest e-mails (due in the member's time zone, batched, idempotent, nothing happened:
no e-mail), SANCTION_ENDED, and the privacy canary across every e-mail path."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import preferences, services
from accounts.models import DigestFrequency, Notification
from accounts.tasks import digest_send_batch_task, digest_send_due_task, notification_email_task
from groups import services as group_services
from moderation.models import Sanction
from moderation.services.sanctions import sanctions_ended_notify
from moderation.tasks import sanctions_ended_notify_task
from tests.factories import MembershipFactory, UserFactory, make_rule, make_thread

pytestmark = pytest.mark.django_db
Kind = Notification.Kind

# 08:30 in Tokyo (UTC+9) on 11 Jan 2026; 23:30 UTC on the 10th.
TOKYO_MORNING = datetime(2026, 1, 10, 23, 30, tzinfo=UTC)


@pytest.fixture
def tokyo(member):
    member.time_zone = "Asia/Tokyo"
    member.digest_frequency = DigestFrequency.DAILY
    member.save()
    return member


def test_digest_due_at_eight_local_time(tokyo) -> None:
    early = TOKYO_MORNING - timedelta(hours=1)  # 07:30 in Tokyo
    assert not services.digest_due(tokyo, early)
    assert tokyo.pk not in services.digest_due_ids(now=early)
    assert services.digest_due(tokyo, TOKYO_MORNING)
    assert tokyo.pk in services.digest_due_ids(now=TOKYO_MORNING)
    tokyo.last_digest_at = TOKYO_MORNING - timedelta(minutes=20)
    tokyo.save()
    assert tokyo.pk not in services.digest_due_ids(now=TOKYO_MORNING + timedelta(hours=1))
    assert tokyo.pk in services.digest_due_ids(now=TOKYO_MORNING + timedelta(days=1))


def test_weekly_digest_waits_a_week(tokyo) -> None:
    tokyo.digest_frequency = DigestFrequency.WEEKLY
    tokyo.last_digest_at = TOKYO_MORNING
    tokyo.save()
    assert tokyo.pk not in services.digest_due_ids(now=TOKYO_MORNING + timedelta(days=3))
    assert tokyo.pk in services.digest_due_ids(now=TOKYO_MORNING + timedelta(days=7))


def test_digest_off_or_paused_is_never_due(tokyo) -> None:
    tokyo.notifications_paused_until = TOKYO_MORNING + timedelta(days=1)
    tokyo.save()
    assert services.digest_send(user_id=tokyo.pk, now=TOKYO_MORNING) == "not_due"
    tokyo.notifications_paused_until = None
    tokyo.digest_frequency = DigestFrequency.OFF
    tokyo.save()
    assert tokyo.pk not in services.digest_due_ids(now=TOKYO_MORNING)


def test_digest_content_and_idempotency(tokyo, group, other_member) -> None:
    thread = make_thread(author=other_member, group=group, title="Sunday worries")
    group_services.post_create(author=other_member, thread=thread, body="a reply")
    services.notify(
        recipient=tokyo,
        kind=Kind.THREAD_REPLY,
        message="New reply",
        url="/p/1/",
        group=group,
        thread=thread,
        actor=other_member,
    )
    services.notify(recipient=tokyo, kind=Kind.REACTIONS, message="2 hugs")  # in-app only
    tokyo.last_digest_at = TOKYO_MORNING - timedelta(days=1)
    tokyo.save()
    for model in (Notification,):
        model.objects.update(created_at=TOKYO_MORNING - timedelta(hours=2))
    thread.posts.update(created_at=TOKYO_MORNING - timedelta(hours=2))
    assert services.digest_send(user_id=tokyo.pk, now=TOKYO_MORNING) == "sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [tokyo.email]
    assert "Sunday worries" in message.body and "/p/1/" in message.body
    assert "1 new thread, 1 new reply" in message.body and group.name in message.body
    assert "hugs" not in message.body and "a reply" not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    tokyo.refresh_from_db()
    assert tokyo.last_digest_at == TOKYO_MORNING
    assert services.digest_send(user_id=tokyo.pk, now=TOKYO_MORNING) == "not_due"
    assert digest_send_batch_task.run([tokyo.pk]) == 0
    assert len(mail.outbox) == 1


def test_digest_nothing_happened_sends_nothing(tokyo) -> None:
    assert services.digest_send(user_id=tokyo.pk, now=TOKYO_MORNING) == "empty"
    assert mail.outbox == []
    tokyo.refresh_from_db()
    assert tokyo.last_digest_at == TOKYO_MORNING


def test_digest_failure_restores_last_digest(tokyo, monkeypatch) -> None:
    services.notify(recipient=tokyo, kind=Kind.THREAD_REPLY, message="New reply")

    def boom(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(services.notifications.mail, "send_digest_email", boom)
    with pytest.raises(OSError):
        services.digest_send(user_id=tokyo.pk, now=TOKYO_MORNING)
    tokyo.refresh_from_db()
    assert tokyo.last_digest_at is None


def test_digest_send_due_hands_out_batches(monkeypatch, db) -> None:
    people = [
        UserFactory(time_zone="Asia/Tokyo", digest_frequency=DigestFrequency.DAILY)
        for _ in range(5)
    ]
    UserFactory(time_zone="Europe/Berlin", digest_frequency=DigestFrequency.DAILY)  # 00:30
    batches: list[list[int]] = []
    monkeypatch.setattr(services, "DIGEST_BATCH", 2)
    monkeypatch.setattr(digest_send_batch_task, "delay", batches.append)
    monkeypatch.setattr(services.notifications.timezone, "now", lambda: TOKYO_MORNING)
    assert digest_send_due_task.run() == 5
    assert [len(b) for b in batches] == [2, 2, 1]
    assert sorted(pk for b in batches for pk in b) == sorted(p.pk for p in people)


# --- SANCTION_ENDED ------------------------------------------------------------------------


def test_sanction_ended_is_told_once(member, group, facilitator) -> None:
    now = timezone.now()
    rule = make_rule(number=95)
    ended = Sanction.objects.create(
        user=member,
        kind=Sanction.Kind.MUTE,
        group=group,
        rule=rule,
        message="m",
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(minutes=5),
    )
    Sanction.objects.create(  # still running
        user=facilitator,
        kind=Sanction.Kind.SUSPENSION,
        rule=rule,
        message="m",
        starts_at=now,
        ends_at=now + timedelta(days=1),
    )
    Sanction.objects.create(  # lifted early: the member was told then
        user=facilitator,
        kind=Sanction.Kind.MUTE,
        group=group,
        rule=rule,
        message="m",
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(minutes=1),
        revoked_at=now - timedelta(hours=1),
    )
    assert sanctions_ended_notify_task.run() == 1
    note = Notification.objects.get(kind=Kind.SANCTION_ENDED)
    assert note.recipient == member and note.key == f"sanction_ended:{ended.pk}"
    assert group.name in note.message
    services.notifications_mark_read(user=member)
    assert sanctions_ended_notify(now=now + timedelta(hours=1)) == 0
    assert Notification.objects.filter(kind=Kind.SANCTION_ENDED).count() == 1


# --- the canary: nothing of a private group in any e-mail -----------------------------------

CANARY = "zebra-canary-7f3q"


def test_no_private_content_in_any_email(private_group, monkeypatch) -> None:
    author = MembershipFactory(group=private_group, user__handle="canary_author").user
    reader = MembershipFactory(group=private_group, user__handle="canary_reader").user
    for person in (author, reader):
        person.digest_frequency = DigestFrequency.DAILY
        person.save()
    thread = make_thread(
        author=author, group=private_group, title=f"Title {CANARY}", body=f"Body {CANARY}"
    )
    reply = group_services.post_create(author=reader, thread=thread, body=f"Reply {CANARY}")
    sent: list[int] = []
    monkeypatch.setattr(notification_email_task, "delay", sent.append)
    for kind in Kind.values:
        services.notify(
            recipient=author,
            kind=kind,
            message=f"{kind} in “{CANARY}”: {CANARY}",
            url=reply.get_absolute_url(),
            actor=reader,
            group=private_group,
            thread=thread,
            post=reply,
        )
    services.notification_send(recipient=reader, kind=Kind.POST_REMOVED, message=CANARY)
    # The reply's own notification (through groups) and every one recorded above.
    services.notification_settings_update(
        user=author,
        deliveries=dict.fromkeys(("reactions", "thread_reply", "invitation"), "email"),
        digest_frequency=DigestFrequency.DAILY,
        quiet_hours_start=None,
        quiet_hours_end=None,
    )
    for note in Notification.objects.all():
        notification_email_task.run(note.pk)
    services.notification_settings_update(
        user=author,
        deliveries=dict.fromkeys(dict(preferences.configurable_kinds()), "digest"),
        digest_frequency=DigestFrequency.DAILY,
        quiet_hours_start=None,
        quiet_hours_end=None,
    )
    Notification.objects.update(read_at=None)
    later = timezone.now() + timedelta(days=1, hours=10)
    for person in (author, reader):
        services.digest_send(user_id=person.pk, now=later)
    assert len(mail.outbox) >= 5
    assert any("private group" in m.body for m in mail.outbox)
    for message in mail.outbox:
        parts = [message.subject, message.body, *(a[0] for a in message.alternatives)]
        parts += [str(v) for v in message.extra_headers.values()]
        for part in parts:
            assert CANARY not in part
            assert private_group.name not in part
            if message.to == [author.email]:
                assert "canary_reader" not in part  # who acted is never named
