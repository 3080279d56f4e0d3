"""Preferences, quiet hours, take-a-break, notification e-mails and unsubscribe."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from accounts import mail as account_mail
from accounts import preferences, services
from accounts.models import DigestFrequency, Notification, NotificationPreference
from accounts.tasks import notification_email_task
from tests.factories import make_thread

pytestmark = pytest.mark.django_db
Kind = Notification.Kind
Delivery = NotificationPreference.Delivery


def _notify(recipient, kind=Kind.REPLY, **extra):
    return services.notify(recipient=recipient, kind=kind, message="Something happened", **extra)


@pytest.fixture
def enqueued(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(notification_email_task, "delay", lambda pk: sent.append(pk))
    return sent


def test_default_deliveries_are_gentle() -> None:
    assert preferences.default_delivery(Kind.REPLY) == Delivery.EMAIL
    assert preferences.default_delivery(Kind.INVITATION) == Delivery.EMAIL
    assert preferences.default_delivery(Kind.POST_REMOVED) == Delivery.EMAIL
    assert preferences.default_delivery(Kind.THREAD_REPLY) == Delivery.DIGEST
    assert preferences.default_delivery(Kind.REACTIONS) == Delivery.IN_APP
    assert Kind.CRISIS_ALERT not in dict(preferences.configurable_kinds())


@pytest.mark.parametrize(
    ("delivery", "recorded", "emailed"),
    [
        (Delivery.OFF, False, False),
        (Delivery.IN_APP, True, False),
        (Delivery.EMAIL, True, True),
        (Delivery.DIGEST, True, False),
    ],
)
def test_preference_decides_delivery(
    member, enqueued, django_capture_on_commit_callbacks, delivery, recorded, emailed
) -> None:
    NotificationPreference.objects.create(user=member, kind=Kind.REACTIONS, delivery=delivery)
    with django_capture_on_commit_callbacks(execute=True):
        note = _notify(member, kind=Kind.REACTIONS)
    assert (note is not None) is recorded
    assert bool(enqueued) is emailed


def test_quiet_hours_hold_email_until_they_end(member, enqueued) -> None:
    member.time_zone = "Europe/London"  # UTC+0 in January
    member.quiet_hours_start, member.quiet_hours_end = time(22, 0), time(7, 30)
    member.save()
    note = _notify(member)
    night = datetime(2026, 1, 10, 23, 15, tzinfo=UTC)
    outcome, wait = services.notification_email_send(notification_id=note.pk, now=night)
    assert outcome == "quiet" and wait == datetime(2026, 1, 11, 7, 30, tzinfo=UTC)
    assert mail.outbox == []
    morning = datetime(2026, 1, 11, 7, 31, tzinfo=UTC)
    assert services.notification_email_send(notification_id=note.pk, now=morning)[0] == "sent"
    assert len(mail.outbox) == 1


def test_held_email_is_released_by_the_sweep_when_quiet_hours_end(member, enqueued) -> None:
    from accounts.tasks import notification_emails_release_task

    member.time_zone = "Europe/London"
    member.quiet_hours_start, member.quiet_hours_end = time(22, 0), time(7, 30)
    member.save()
    held, read_meanwhile = _notify(member), _notify(member, key="other")
    night = datetime(2026, 1, 10, 23, 15, tzinfo=UTC)
    for note in (held, read_meanwhile):
        assert services.notification_email_send(notification_id=note.pk, now=night)[0] == "quiet"
    held.refresh_from_db()
    assert held.email_due_at == datetime(2026, 1, 11, 7, 30, tzinfo=UTC)
    assert services.notification_emails_release(now=night) == []  # still quiet
    morning = datetime(2026, 1, 11, 7, 31, tzinfo=UTC)
    assert services.notification_emails_release(now=morning) == [held.pk, read_meanwhile.pk]
    services.notifications_mark_read(user=member, notification_id=read_meanwhile.pk)
    results = [
        services.notification_email_send(notification_id=pk, now=morning)[0]
        for pk in (held.pk, read_meanwhile.pk)
    ]
    assert results == ["sent", "skipped"]
    assert len(mail.outbox) == 1
    assert services.notification_emails_release(now=morning) == []  # nothing held any more
    # The beat task hands each held notification to the e-mail task.
    _notify(member, key="third")
    third = Notification.objects.get(key="third")
    Notification.objects.filter(pk=third.pk).update(email_due_at=night)
    enqueued.clear()
    assert notification_emails_release_task.run() == 1
    assert enqueued == [third.pk]


def test_quiet_hours_use_the_members_time_zone(member) -> None:
    member.time_zone = "America/New_York"  # UTC-5 in January
    member.quiet_hours_start, member.quiet_hours_end = time(22, 0), time(7, 0)
    at_utc_23 = datetime(2026, 1, 10, 23, 0, tzinfo=UTC)  # 18:00 in New York
    assert preferences.quiet_hours_end(member, at_utc_23) is None
    at_utc_04 = datetime(2026, 1, 11, 4, 0, tzinfo=UTC)  # 23:00 in New York
    assert preferences.quiet_hours_end(member, at_utc_04) == datetime(2026, 1, 11, 12, tzinfo=UTC)


def test_take_a_break_records_but_pushes_and_mails_nothing(
    member, enqueued, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    pushed: list[int] = []
    monkeypatch.setattr(services.notifications.realtime, "publish_unread", pushed.append)
    services.notifications_pause(user=member, duration="week")
    with django_capture_on_commit_callbacks(execute=True):
        note = _notify(member)
    assert Notification.objects.filter(pk=note.pk).exists()
    assert pushed == []
    assert services.notification_email_send(notification_id=note.pk)[0] == "paused"
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.notifications_pause(user=member, duration="resume")
    assert pushed == [member.pk]
    assert member.notifications_paused_until is None


def test_crisis_notices_are_pushed_during_a_break(
    admin_user, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    pushed: list[int] = []
    monkeypatch.setattr(services.notifications.realtime, "publish_unread", pushed.append)
    services.notifications_pause(user=admin_user, duration="day")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(admin_user, kind=Kind.CRISIS_ALERT)
    assert pushed == [admin_user.pk]


def test_pause_rejects_unknown_duration(member) -> None:
    with pytest.raises(Exception, match="day, a week"):
        services.notifications_pause(user=member, duration="forever")
    member.refresh_from_db()
    assert member.notifications_paused_until is None


def test_email_is_sent_once_and_skipped_when_no_longer_wanted(member) -> None:
    note = _notify(member)
    read = _notify(member, kind=Kind.MENTION)
    services.notifications_mark_read(user=member, notification_id=read.pk)
    assert notification_email_task.run(note.pk) == "sent"
    assert notification_email_task.run(note.pk) == "already"
    assert notification_email_task.run(read.pk) == "skipped"
    assert notification_email_task.run(999999) == "missing"
    changed = _notify(member, kind=Kind.WARNING)
    NotificationPreference.objects.create(user=member, kind=Kind.WARNING, delivery=Delivery.IN_APP)
    assert notification_email_task.run(changed.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_failed_send_releases_the_claim(member, monkeypatch) -> None:
    note = _notify(member)

    def boom(notification):
        raise OSError("smtp down")

    monkeypatch.setattr(account_mail, "send_notification_email", boom)
    with pytest.raises(OSError):
        services.notification_email_send(notification_id=note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None


def test_email_has_one_click_unsubscribe_headers(member) -> None:
    note = _notify(member, url="/p/5/")
    notification_email_task.run(note.pk)
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and "/unsubscribe/" in header and header.endswith("/>")
    assert "/p/5/" in message.body
    html = message.alternatives[0][0]
    assert "/unsubscribe/" in html and "/p/5/" in html


def test_public_email_names_the_thread_but_never_the_post_body(group, member, other_member):
    thread = make_thread(author=member, group=group, title="Evening walks")
    note = _notify(member, thread=thread, group=group, actor=other_member)
    notification_email_task.run(note.pk)
    body = mail.outbox[0].body
    assert "Evening walks" in body and "Hello" not in body.replace("Hello quiet", "")
    assert other_member.handle not in body


def _token(member, kind=Kind.REPLY) -> str:
    return account_mail.unsubscribe_token(member, kind)


def test_unsubscribe_get_confirms_and_changes_nothing(member) -> None:
    response = Client().get(reverse("accounts:unsubscribe", args=[_token(member)]))
    assert response.status_code == 200
    assert "Reply to your post" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_one_click_post_without_csrf_or_login(member) -> None:
    client = Client(enforce_csrf_checks=True)
    url = reverse("accounts:unsubscribe", args=[_token(member)])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert preferences.delivery_for(member, Kind.REPLY) == Delivery.IN_APP
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200  # idempotent


def test_unsubscribe_button_post_needs_csrf(member) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:unsubscribe", args=[_token(member)]))
    assert response.status_code == 403
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_digest_token_turns_digest_off(member) -> None:
    url = reverse("accounts:unsubscribe", args=[_token(member, account_mail.DIGEST)])
    Client().post(url, {"List-Unsubscribe": "One-Click"})
    member.refresh_from_db()
    assert member.digest_frequency == DigestFrequency.OFF


def test_unsubscribe_tampered_token_changes_nothing(member, outsider) -> None:
    token = _token(member)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (forged, "nonsense", _token(member, "crisis_alert")):
        url = reverse("accounts:unsubscribe", args=[bad])
        response = Client().post(url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 400
        assert "not valid" in response.content.decode() or "no longer" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_expired_token_changes_nothing(member, monkeypatch) -> None:
    token = _token(member)
    later = datetime.now(UTC) + timedelta(seconds=account_mail.UNSUBSCRIBE_MAX_AGE + 60)
    monkeypatch.setattr(signing.time, "time", lambda: later.timestamp())
    response = Client().post(
        reverse("accounts:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert not NotificationPreference.objects.exists()


# --- the settings page ---------------------------------------------------------------------


def _settings_data(member, **changes) -> dict:
    data = {f"kind_{k}": d for k, d in preferences.deliveries_for(member).items()}
    data.update(digest_frequency="weekly", quiet_hours_start="", quiet_hours_end="")
    data.update(changes)
    return data


def test_settings_page_saves_overrides_only(client, member) -> None:
    client.force_login(member)
    url = reverse("accounts:notification_settings")
    assert client.get(url).status_code == 200
    data = _settings_data(
        member,
        kind_reactions="email",
        digest_frequency="daily",
        quiet_hours_start="22:00",
        quiet_hours_end="07:00",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.digest_frequency == "daily" and member.quiet_hours_start == time(22, 0)
    prefs = dict(NotificationPreference.objects.values_list("kind", "delivery"))
    assert prefs == {"reactions": "email"}


@pytest.mark.parametrize(
    "bad",
    [
        {"kind_reply": "loud"},
        {"digest_frequency": "hourly"},
        {"quiet_hours_start": "22:00"},
        {"quiet_hours_start": "25:99", "quiet_hours_end": "07:00"},
        {"quiet_hours_start": "07:00", "quiet_hours_end": "07:00"},
    ],
)
def test_settings_page_bad_input_changes_nothing(client, member, bad) -> None:
    client.force_login(member)
    response = client.post(
        reverse("accounts:notification_settings"),
        _settings_data(member, kind_reactions="off", **bad),
    )
    assert response.status_code == 200
    assert "Nothing was changed" in response.content.decode()
    assert not NotificationPreference.objects.exists()
    member.refresh_from_db()
    assert member.quiet_hours_start is None and member.digest_frequency == "weekly"


def test_settings_service_rejects_locked_kind(member) -> None:
    with pytest.raises(Exception, match="can't be changed"):
        services.notification_settings_update(
            user=member,
            deliveries={"crisis_alert": "off"},
            digest_frequency="weekly",
            quiet_hours_start=None,
            quiet_hours_end=None,
        )
    assert not NotificationPreference.objects.exists()


def test_pause_view(client, member) -> None:
    client.force_login(member)
    client.post(reverse("accounts:notifications_pause"), {"duration": "day"})
    member.refresh_from_db()
    assert member.notifications_paused_until is not None
    client.post(reverse("accounts:notifications_pause"), {"duration": "nope"})
    member.refresh_from_db()
    assert member.notifications_paused_until is not None
    page = client.get(reverse("accounts:notification_settings")).content.decode()
    assert "Resume now" in page


def test_settings_linked_from_notifications_and_profile(client, member) -> None:
    client.force_login(member)
    url = reverse("accounts:notification_settings")
    assert url in client.get(reverse("accounts:notifications")).content.decode()
    assert url in client.get(reverse("accounts:profile")).content.decode()
