"""accounts.services.notify: the one way to notify; preferences, consolidation, e-mail."""

import pytest
from django.core import mail

from accounts import services
from accounts.models import Notification, NotificationPreference
from accounts.tasks import notification_email_task

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
Delivery = NotificationPreference.Delivery


def _notify(recipient, kind=Kind.REPLY, **extra):
    return services.notify(recipient=recipient, kind=kind, message="Something happened", **extra)


@pytest.mark.parametrize("kind", Kind.values)
def test_notify_records_every_kind(member, kind) -> None:
    note = _notify(member, kind=kind, url="/p/1/")
    assert note is not None and note.kind == kind and note.count == 1
    assert Notification.objects.filter(recipient=member, kind=kind).count() == 1


def test_notify_skips_none_inactive_and_own_action(member) -> None:
    assert _notify(None) is None
    assert _notify(member, actor=member) is None
    member.is_active = False
    member.save()
    assert _notify(member) is None
    assert not Notification.objects.exists()


def test_notify_consolidates_unread_by_key(member, other_member, outsider) -> None:
    first = _notify(member, kind=Kind.REACTIONS, key="reactions:7", actor=other_member)
    second = services.notify(
        recipient=member,
        kind=Kind.REACTIONS,
        message="2 members sent a hug",
        key="reactions:7",
        actor=outsider,
    )
    assert second.pk == first.pk
    first.refresh_from_db()
    assert first.count == 2 and first.message == "2 members sent a hug"
    assert first.actor == outsider and first.created_at >= second.created_at
    services.notifications_mark_read(user=member)
    third = _notify(member, kind=Kind.REACTIONS, key="reactions:7")
    assert third.pk != first.pk and third.count == 1
    assert _notify(member, kind=Kind.REACTIONS, key="reactions:8").pk != third.pk


def test_notify_off_records_nothing(member) -> None:
    NotificationPreference.objects.create(user=member, kind=Kind.REPLY, delivery=Delivery.OFF)
    assert _notify(member) is None
    assert _notify(member, kind=Kind.MENTION) is not None


def test_crisis_kinds_cannot_be_turned_off(admin_user) -> None:
    NotificationPreference.objects.create(
        user=admin_user, kind=Kind.CRISIS_ALERT, delivery=Delivery.OFF
    )
    assert _notify(admin_user, kind=Kind.CRISIS_ALERT) is not None


def test_notification_send_wrapper_still_works(member) -> None:
    services.notification_send(recipient=member, kind=Kind.WARNING, message="m", url="/x/")
    assert Notification.objects.get(recipient=member).url == "/x/"


def test_notify_email_delivery_sends_once_after_commit(
    member, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    sent = []
    monkeypatch.setattr(notification_email_task, "delay", lambda pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        note = _notify(member, kind=Kind.MENTION)
        _notify(member, kind=Kind.REACTIONS)
        _notify(member, kind=Kind.THREAD_REPLY)
    assert sent == [note.pk]
    assert notification_email_task.run(note.pk) == "sent"
    assert notification_email_task.run(note.pk) == "already"
    assert len(mail.outbox) == 1
    note.refresh_from_db()
    assert note.emailed_at is not None
