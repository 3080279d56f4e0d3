"""The crisis pipeline: a post with crisis language writes its alert in the posting
transaction; delivery (in-app, e-mail, live) is idempotent; unacknowledged alerts escalate
on time; follow-ups are sent once; and, with a real Celery worker on Redis, an alert
reaches a facilitator's socket, survives a broker outage and a worker killed mid-task,
and reaches nobody but the group's facilitators and the admins.

The first part calls the services in-process (it runs on the embedded default too); the
second needs Redis, PostgreSQL and a worker subprocess (``celery_worker.py``)."""

import asyncio
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection, transaction
from django.urls import path
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import Notification, User
from groups import services as group_services
from groups.models import Membership, SupportGroup, Thread
from moderation import realtime
from moderation.consumers import ModerationConsumer
from moderation.models import (
    AlertDelivery,
    AlertEscalation,
    AuditLogEntry,
    CrisisAlert,
    DutyStatus,
    ReviewItem,
)
from moderation.services import crisis, crisis_delivery
from moderation.tasks import alert_deliver_task
from tests.factories import GroupFactory, MembershipFactory, UserFactory, make_thread, mfa_session

from .celery_worker import (
    QUEUE,
    CeleryWorker,
    RedisServer,
    celery_broker,
    celery_worker_fixture,  # noqa: F401 (fixture "celery_worker")
    channel_layers,
    forget_queue,
    pipeline_settings_fixture,  # noqa: F401 (fixture "pipeline_settings")
    requires_worker,
    wait_until,
)

IMMINENT = "I'm not okay. I want to kill myself tonight, I have the pills ready."
HIGH = "I'm not okay, I want to kill myself."
CALM = "Had a better day today, the breathing exercise helped on the train."


@dataclass
class World:
    group: SupportGroup
    author: User
    on_call: User  # a facilitator on duty
    resting: User  # a facilitator off duty
    admin: User
    thread: Thread


def _world(*, on_duty: bool = True) -> World:
    group = GroupFactory(name="Low Mood", slug="low-mood")
    author = MembershipFactory(group=group, user__handle="quiet_harbour").user
    on_call = MembershipFactory(
        group=group, role=Membership.Role.FACILITATOR, user__handle="on_call"
    ).user
    resting = MembershipFactory(
        group=group, role=Membership.Role.FACILITATOR, user__handle="resting"
    ).user
    if on_duty:
        DutyStatus.objects.create(user=on_call, mode=DutyStatus.Mode.ON)
    DutyStatus.objects.create(user=resting, mode=DutyStatus.Mode.OFF)
    admin = UserFactory(handle="lighthouse", is_staff=True)
    thread = make_thread(author=author, group=group, title="Tonight")
    return World(group, author, on_call, resting, admin, thread)


def _notified(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


# --- in-process: the services -----------------------------------------------------------


@pytest.mark.embedded
@pytest.mark.django_db
def test_post_create_writes_alert_in_the_posting_transaction(django_capture_on_commit_callbacks):
    w = _world()
    with django_capture_on_commit_callbacks() as callbacks:
        post = group_services.post_create(author=w.author, thread=w.thread, body=HIGH)
    alert = CrisisAlert.objects.get(post=post)
    assert alert.severity == CrisisAlert.Severity.HIGH
    assert alert.group == w.group and alert.subject == w.author
    assert alert.review_item.kind == ReviewItem.Kind.CRISIS
    assert alert.delivered_at is None and alert.dispatch_count == 0
    assert callbacks, "delivery is dispatched after commit"

    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = group_services.post_create(author=w.author, thread=w.thread, body=IMMINENT)
        assert CrisisAlert.objects.filter(post=rolled_back).exists()
        raise RuntimeError("the posting transaction fails")
    assert CrisisAlert.objects.count() == 1
    assert ReviewItem.objects.filter(kind=ReviewItem.Kind.CRISIS).count() == 1

    group_services.post_create(author=w.author, thread=w.thread, body=CALM)
    assert CrisisAlert.objects.count() == 1


@pytest.mark.embedded
@pytest.mark.django_db
def test_alert_deliver_tells_on_duty_facilitator_and_admins_once() -> None:
    w = _world()
    post = group_services.post_create(author=w.author, thread=w.thread, body=IMMINENT)
    alert = CrisisAlert.objects.get(post=post)
    assert alert.severity == CrisisAlert.Severity.IMMINENT

    assert crisis_delivery.alert_deliver(alert.pk) == 2
    alert.refresh_from_db()
    assert alert.delivered_at is not None and alert.escalation_level == 0
    assert _notified(w.on_call, Notification.Kind.CRISIS_ALERT) == 1
    assert _notified(w.admin, Notification.Kind.CRISIS_ALERT) == 1  # imminent: every w.admin
    assert _notified(w.resting, Notification.Kind.CRISIS_ALERT) == 0  # off duty
    assert _notified(w.author, Notification.Kind.CRISIS_ALERT) == 0
    note = Notification.objects.get(recipient=w.on_call)
    assert note.message == "Imminent crisis alert in Low Mood"
    assert note.url == alert.get_absolute_url()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([w.on_call.email, w.admin.email])
    for message in mail.outbox:
        assert "kill" not in message.body and "pills" not in message.body
        assert "kill" not in message.alternatives[0][0]
        assert alert.get_absolute_url() in message.body
        assert message.subject == "[Haven] Imminent crisis alert in Low Mood"

    # A second delivery (a redelivered task, the sweeper) is harmless ...
    assert crisis_delivery.alert_deliver(alert.pk) == 0
    # ... and so is one that finds the work half done (delivered_at never written).
    CrisisAlert.objects.filter(pk=alert.pk).update(delivered_at=None)
    assert crisis_delivery.alert_deliver(alert.pk) == 0
    assert Notification.objects.filter(kind=Notification.Kind.CRISIS_ALERT).count() == 2
    assert AlertDelivery.objects.filter(alert=alert).count() == 2
    assert len(mail.outbox) == 2
    # Missing and resolved alerts are nothing to deliver.
    assert crisis_delivery.alert_deliver(alert.pk + 1000) == 0


@pytest.mark.embedded
@pytest.mark.django_db
def test_alert_deliver_again_after_severity_rose_tells_only_the_newly_due() -> None:
    w = _world()
    post = group_services.post_create(author=w.author, thread=w.thread, body=HIGH)
    alert = CrisisAlert.objects.get(post=post)
    assert crisis_delivery.alert_deliver(alert.pk) == 1  # high: the on-duty facilitator
    assert _notified(w.admin, Notification.Kind.CRISIS_ALERT) == 0

    group_services.post_edit(editor=w.author, post=post, body=IMMINENT, content_warning="")
    alert.refresh_from_db()
    assert alert.severity == CrisisAlert.Severity.IMMINENT
    assert crisis_delivery.alert_deliver(alert.pk) == 1  # now every admin too
    assert _notified(w.admin, Notification.Kind.CRISIS_ALERT) == 1
    assert _notified(w.on_call, Notification.Kind.CRISIS_ALERT) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([w.on_call.email, w.admin.email])
    assert crisis_delivery.alert_deliver(alert.pk) == 0


@pytest.mark.embedded
@pytest.mark.django_db
def test_alert_deliver_escalates_at_once_when_nobody_is_on_duty() -> None:
    w = _world(on_duty=False)
    post = group_services.post_create(author=w.author, thread=w.thread, body=HIGH)
    alert = CrisisAlert.objects.get(post=post)
    assert alert.raised_off_duty

    crisis_delivery.alert_deliver(alert.pk)
    alert.refresh_from_db()
    assert alert.escalation_level == AlertEscalation.Level.FACILITATORS
    escalation = alert.escalations.get()
    assert escalation.reason == "Raised while nobody was on duty" and escalation.recipients == 2
    for facilitator in (w.on_call, w.resting):
        assert _notified(facilitator, Notification.Kind.CRISIS_ESCALATION) == 1
    assert _notified(w.admin, Notification.Kind.CRISIS_ESCALATION) == 0  # not imminent
    assert AuditLogEntry.objects.filter(action="crisis.alert_escalated").count() == 1
    assert len(mail.outbox) == 2 and mail.outbox[0].subject.startswith("[Haven] Escalated")


@pytest.mark.embedded
@pytest.mark.django_db
def test_alert_deliver_goes_to_admins_when_the_group_has_no_facilitator() -> None:
    group = GroupFactory(name="Quiet corner")
    author = MembershipFactory(group=group).user
    admin = UserFactory(is_staff=True)
    thread = make_thread(author=author, group=group)
    post = group_services.post_create(author=author, thread=thread, body=HIGH)
    alert = CrisisAlert.objects.get(post=post)

    crisis_delivery.alert_deliver(alert.pk)
    alert.refresh_from_db()
    assert alert.escalation_level == AlertEscalation.Level.ADMINS
    assert list(alert.escalations.values_list("level", flat=True)) == [1, 2]
    assert _notified(admin, Notification.Kind.CRISIS_ESCALATION) == 1


@pytest.mark.embedded
@pytest.mark.django_db
def test_alert_escalate_due_follows_the_group_windows() -> None:
    w = _world()
    post = group_services.post_create(author=w.author, thread=w.thread, body=HIGH)
    alert = CrisisAlert.objects.get(post=post)
    crisis_delivery.alert_deliver(alert.pk)
    raised = alert.created_at
    assert w.group.crisis_ack_high_minutes == 15

    assert crisis_delivery.alert_escalate_due(now=raised + timedelta(minutes=14)) == 0
    assert crisis_delivery.alert_escalate_due(now=raised + timedelta(minutes=15)) == 1
    alert.refresh_from_db()
    assert alert.escalation_level == 1
    assert _notified(w.resting, Notification.Kind.CRISIS_ESCALATION) == 1  # newly told
    assert _notified(w.on_call, Notification.Kind.CRISIS_ESCALATION) == 1  # reminded
    assert _notified(w.admin, Notification.Kind.CRISIS_ESCALATION) == 0
    assert crisis_delivery.alert_escalate_due(now=raised + timedelta(minutes=16)) == 0

    assert crisis_delivery.alert_escalate_due(now=raised + timedelta(minutes=29)) == 0
    assert crisis_delivery.alert_escalate_due(now=raised + timedelta(minutes=30)) == 1
    alert.refresh_from_db()
    assert alert.escalation_level == 2
    assert _notified(w.admin, Notification.Kind.CRISIS_ESCALATION) == 1
    assert crisis_delivery.alert_escalate_due(now=raised + timedelta(hours=5)) == 0
    entries = AuditLogEntry.objects.filter(action="crisis.alert_escalated")
    assert [e.details["level"] for e in entries.order_by("pk")] == [1, 2]
    # one e-mail per person per alert: the on-duty facilitator's first, then one each
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [w.on_call.email, w.resting.email, w.admin.email]
    )


@pytest.mark.embedded
@pytest.mark.django_db
def test_alert_escalate_due_skips_acknowledged_and_uses_defaults_without_group() -> None:
    w = _world()
    post = group_services.post_create(author=w.author, thread=w.thread, body=IMMINENT)
    alert = CrisisAlert.objects.get(post=post)
    crisis.alert_acknowledge(alert=alert, actor=w.on_call)
    help_request = crisis.alert_raise(
        source=CrisisAlert.Source.HELP_REQUEST,
        severity=CrisisAlert.Severity.HIGH,
        subject=w.author,
    )
    crisis_delivery.alert_deliver(help_request.pk)
    assert _notified(w.admin, Notification.Kind.CRISIS_ALERT) == 1  # no w.group: admins

    later = timezone.now() + timedelta(minutes=14)
    assert crisis_delivery.alert_escalate_due(now=later) == 0
    assert crisis_delivery.alert_escalate_due(now=later + timedelta(minutes=2)) == 1
    help_request.refresh_from_db()
    assert help_request.escalation_level == 2
    assert _notified(w.admin, Notification.Kind.CRISIS_ESCALATION) == 1  # a reminder
    alert.refresh_from_db()
    assert alert.escalation_level == 0  # acknowledged: somebody is on it


@pytest.mark.embedded
@pytest.mark.django_db
def test_alert_follow_up_due_reminds_the_resolver_once() -> None:
    w = _world()
    reached = crisis.alert_raise(
        source=CrisisAlert.Source.DETECTED, severity=3, subject=w.author, group=w.group
    )
    false_alarm = crisis.alert_raise(
        source=CrisisAlert.Source.CONCERN, severity=2, subject=w.author, group=w.group
    )
    crisis.alert_resolve(alert=reached, actor=w.on_call, outcome="reached_out", note="Talked.")
    crisis.alert_resolve(alert=false_alarm, actor=w.resting, outcome="false_alarm")
    reached.refresh_from_db()
    due = reached.follow_up_due_at
    assert due == reached.resolved_at + timedelta(hours=24)

    assert crisis_delivery.alert_follow_up_due(now=due - timedelta(minutes=1)) == 0
    assert crisis_delivery.alert_follow_up_due(now=due) == 1
    assert crisis_delivery.alert_follow_up_due(now=due + timedelta(hours=1)) == 0
    assert _notified(w.on_call, Notification.Kind.CRISIS_FOLLOW_UP) == 1
    assert _notified(w.resting, Notification.Kind.CRISIS_FOLLOW_UP) == 0
    assert [m.to for m in mail.outbox] == [[w.on_call.email]]
    assert "Talked" not in mail.outbox[0].body
    reached.refresh_from_db()
    assert reached.follow_up_sent_at == due


@pytest.mark.embedded
@pytest.mark.django_db
def test_alert_dispatch_with_broker_down_logs_and_the_sweeper_redoes_it(caplog) -> None:
    w = _world()
    alert = crisis.alert_raise(
        source=CrisisAlert.Source.DETECTED, severity=3, subject=w.author, group=w.group
    )
    with mock.patch.object(alert_deliver_task, "apply_async", side_effect=BrokerError("down")):
        assert crisis_delivery.alert_dispatch(alert.pk) is False
    assert "sweeper will retry" in caplog.text
    alert.refresh_from_db()
    assert alert.dispatch_count == 1 and alert.last_dispatched_at is None

    now = timezone.now()
    with mock.patch.object(crisis_delivery, "alert_dispatch") as dispatch:
        assert crisis_delivery.alert_sweep(now=alert.created_at + timedelta(seconds=5)) == 0
        assert crisis_delivery.alert_sweep(now=alert.created_at + timedelta(seconds=11)) == 1
    dispatch.assert_called_once_with(alert.pk)
    CrisisAlert.objects.filter(pk=alert.pk).update(last_dispatched_at=now)
    with mock.patch.object(crisis_delivery, "alert_dispatch") as dispatch:
        assert crisis_delivery.alert_sweep(now=now + timedelta(seconds=30)) == 0
        assert crisis_delivery.alert_sweep(now=now + timedelta(seconds=61)) == 1
        CrisisAlert.objects.filter(pk=alert.pk).update(delivered_at=now)
        assert crisis_delivery.alert_sweep(now=now + timedelta(minutes=5)) == 0


# --- with a real worker on Redis ----------------------------------------------------------


async def _communicator(user, since: int | None = None) -> WebsocketCommunicator:
    app = URLRouter([path("ws/mod/", ModerationConsumer.as_asgi())])
    url = "/ws/mod/" if since is None else f"/ws/mod/?since={since}"
    communicator = WebsocketCommunicator(app, url)
    communicator.scope["user"] = user
    if user.is_authenticated:
        communicator.scope["session"] = await sync_to_async(mfa_session)(user)
    return communicator


async def _receive_type(communicator, kind: str, timeout: float = 15) -> dict:
    """The next message of ``kind``, skipping queue-count updates."""
    async with asyncio.timeout(timeout):
        while True:
            message = await communicator.receive_json_from(timeout=timeout)
            if message["type"] == kind:
                return message


def _emails_in(worker: CeleryWorker, subject: str) -> int:
    return worker.log().count(f"Subject: {subject}")


def _succeeded(worker: CeleryWorker) -> int:
    """Delivery tasks the worker finished (its log says so, one line each)."""
    return sum(
        1
        for line in worker.log().splitlines()
        if "moderation.alert_deliver[" in line and " succeeded in " in line
    )


@requires_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_worker_delivers_to_connected_facilitator_and_a_redelivery_is_harmless(
    celery_worker, pipeline_settings
) -> None:
    w = await sync_to_async(_world)()
    socket = await _communicator(w.on_call)
    assert (await socket.connect())[0]

    post = await sync_to_async(group_services.post_create)(
        author=w.author, thread=w.thread, body=IMMINENT
    )
    event = await _receive_type(socket, "crisis.alert")
    alert = await CrisisAlert.objects.aget(post=post)
    assert event["alert_id"] == alert.pk
    assert event["severity"] == 4 and event["severity_label"] == "Imminent"
    assert event["group_name"] == "Low Mood" and event["url"] == alert.get_absolute_url()
    assert "subject_id" not in event and "pills" not in str(event)

    await sync_to_async(wait_until)(
        lambda: CrisisAlert.objects.filter(pk=alert.pk, delivered_at__isnull=False).exists()
    )
    subject = "[Haven] Imminent crisis alert in Low Mood"
    assert await sync_to_async(_emails_in)(celery_worker, subject) == 2  # on duty + admin

    # The same alert dispatched again (as the sweeper would): nobody is told twice.
    while not await socket.receive_nothing(timeout=0.3):
        assert (await socket.receive_json_from())["type"] == "review.changed"
    done = await sync_to_async(_succeeded)(celery_worker)
    await sync_to_async(crisis_delivery.alert_dispatch)(alert.pk)
    await sync_to_async(wait_until)(lambda: _succeeded(celery_worker) > done)
    assert await Notification.objects.filter(kind=Notification.Kind.CRISIS_ALERT).acount() == 2
    assert await AlertDelivery.objects.filter(alert=alert).acount() == 2
    assert await sync_to_async(_emails_in)(celery_worker, subject) == 2
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


@requires_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_alert_events_reach_only_the_groups_facilitators_and_admins(
    celery_worker, pipeline_settings
) -> None:
    w = await sync_to_async(_world)()

    @sync_to_async
    def others():
        elsewhere = GroupFactory(name="Elsewhere")
        foreign = MembershipFactory(group=elsewhere, role=Membership.Role.FACILITATOR).user
        plain = MembershipFactory(group=w.group).user
        return foreign, plain

    foreign, plain = await others()
    for user in (plain, AnonymousUser()):
        refused = await _communicator(user)
        connected, code = await refused.connect()
        assert not connected and code == 4403

    sockets = {
        user.handle: await _communicator(user) for user in (w.on_call, w.resting, w.admin, foreign)
    }
    for socket in sockets.values():
        assert (await socket.connect())[0]

    post = await sync_to_async(group_services.post_create)(
        author=w.author, thread=w.thread, body=HIGH
    )
    alert = await CrisisAlert.objects.aget(post=post)
    for handle in ("on_call", "resting", "lighthouse"):
        event = await _receive_type(sockets[handle], "crisis.alert")
        assert event["alert_id"] == alert.pk
    assert await sockets[foreign.handle].receive_nothing(timeout=1.0)
    for socket in sockets.values():
        await socket.disconnect()


@requires_worker
@pytest.mark.django_db(transaction=True)
def test_alert_raised_while_broker_down_is_delivered_by_the_sweeper(
    celery_worker, pipeline_settings
) -> None:
    w = _world()
    with mock.patch.object(alert_deliver_task, "apply_async", side_effect=BrokerError("down")):
        post = group_services.post_create(author=w.author, thread=w.thread, body=HIGH)
    alert = CrisisAlert.objects.get(post=post)
    assert alert.dispatch_count == 1 and alert.delivered_at is None
    time.sleep(1)
    alert.refresh_from_db()
    assert alert.delivered_at is None  # nothing reached the worker

    assert crisis_delivery.alert_sweep(now=timezone.now() + timedelta(seconds=11)) == 1
    wait_until(
        lambda: CrisisAlert.objects.filter(pk=alert.pk, delivered_at__isnull=False).exists(),
        message="the sweeper's dispatch was not delivered",
    )
    assert _notified(w.on_call, Notification.Kind.CRISIS_ALERT) == 1


@requires_worker
@pytest.mark.django_db(transaction=True)
def test_alert_survives_a_real_redis_outage(settings, pipeline_settings, tmp_path) -> None:
    """A Redis of its own is stopped while the member posts, then started again: the
    worker reconnects and the sweeper's re-dispatch delivers the alert live."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs the redis-server program to stop and restart a Redis of its own")
    redis = RedisServer().start()
    worker = CeleryWorker(redis_url=redis.url, log_dir=tmp_path)
    try:
        worker.start()
        settings.CHANNEL_LAYERS = channel_layers(redis.url)
        w = _world()
        with celery_broker(redis.url):
            redis.stop()
            post = group_services.post_create(author=w.author, thread=w.thread, body=HIGH)
            alert = CrisisAlert.objects.get(post=post)
            assert alert.dispatch_count == 1 and alert.last_dispatched_at is None
            redis.start()
            received: list[dict] = []
            listening = threading.Event()
            listener = threading.Thread(
                target=_listen, args=(w.on_call, received, listening), daemon=True
            )
            listener.start()
            listening.wait(10)
            assert crisis_delivery.alert_sweep(now=timezone.now() + timedelta(seconds=11)) == 1
            wait_until(
                lambda: CrisisAlert.objects.filter(
                    pk=alert.pk, delivered_at__isnull=False
                ).exists(),
                timeout=30,
                message=f"not delivered after Redis came back:\n{worker.log()[-3000:]}",
            )
            listener.join(15)
        assert [e["alert_id"] for e in received if e["type"] == "crisis.alert"] == [alert.pk]
    finally:
        worker.stop()
        redis.stop()


def _listen(user, received: list, listening: threading.Event) -> None:
    """A facilitator's socket in its own event loop (this test is synchronous)."""

    async def run() -> None:
        socket = await _communicator(user)
        assert (await socket.connect())[0]
        listening.set()
        received.append(await _receive_type(socket, "crisis.alert", timeout=30))
        await socket.disconnect()

    asyncio.run(run())


def _block_delivery(alert: CrisisAlert):
    """Hold the alert's row lock: the worker's delivery (which locks it first) waits."""
    CrisisAlert.objects.select_for_update().get(pk=alert.pk)


def _waiting_for_lock() -> set[int]:
    """Database backends (other than this test's) waiting for a lock in the test database."""
    with connection.cursor() as cursor:
        # Statistics are a snapshot per transaction, and the caller holds one open.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def own_queue(settings) -> Iterator[str]:
    """A queue only this test's worker consumes (the module's worker must not take it)."""
    settings.HAVEN_ALERT_QUEUE = f"{QUEUE}-{uuid.uuid4().hex[:6]}"
    yield settings.HAVEN_ALERT_QUEUE
    forget_queue(settings.HAVEN_ALERT_QUEUE)


def _undispatched_alert():
    w = _world()
    with mock.patch.object(crisis_delivery, "alert_dispatch"):
        post = group_services.post_create(author=w.author, thread=w.thread, body=HIGH)
    return CrisisAlert.objects.get(post=post), w.on_call


@requires_worker
@pytest.mark.django_db(transaction=True)
def test_pool_process_killed_mid_delivery_redelivers(celery_worker, pipeline_settings) -> None:
    """acks_late + reject_on_worker_lost: the message goes back to the queue when the
    process running it dies (as under the OOM killer), and the next process delivers it."""
    worker = celery_worker
    alert, on_call = _undispatched_alert()
    with transaction.atomic():
        _block_delivery(alert)
        assert crisis_delivery.alert_dispatch(alert.pk)
        first = wait_until(_waiting_for_lock, message=lambda: f"not started:{worker.log()}")
        killed = worker.kill_pool_child()
        # The killed process's database session still waits (PostgreSQL notices the
        # client is gone only when it answers); the new process's session joins it.
        wait_until(
            lambda: _waiting_for_lock() - first,
            message=lambda: f"not redelivered:{worker.log()}",
        )
        assert killed not in worker.pool_pids()
    wait_until(lambda: CrisisAlert.objects.filter(pk=alert.pk, delivered_at__isnull=False).exists())
    assert "WorkerLostError" in worker.log()
    assert _notified(on_call, Notification.Kind.CRISIS_ALERT) == 1
    assert AlertDelivery.objects.filter(alert=alert).count() == 1


@requires_worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_delivery_the_sweeper_redelivers(
    pipeline_settings, own_queue, tmp_path
) -> None:
    """The whole worker SIGKILLed: its message stays unacknowledged in Redis (for the
    broker's visibility timeout), so the sweeper re-dispatches and a new worker delivers."""
    first = CeleryWorker(queue=own_queue, log_dir=tmp_path).start()
    second = CeleryWorker(queue=own_queue, log_dir=tmp_path)
    try:
        alert, on_call = _undispatched_alert()
        with transaction.atomic():
            _block_delivery(alert)
            assert crisis_delivery.alert_dispatch(alert.pk)
            wait_until(_waiting_for_lock, message=lambda: f"not started:{first.log()}")
            first.kill()
        second.start()
        time.sleep(1)
        alert.refresh_from_db()
        assert alert.delivered_at is None  # the killed worker's message is in limbo
        assert crisis_delivery.alert_sweep(now=timezone.now() + timedelta(seconds=61)) == 1
        wait_until(
            lambda: CrisisAlert.objects.filter(pk=alert.pk, delivered_at__isnull=False).exists()
        )
        assert _notified(on_call, Notification.Kind.CRISIS_ALERT) == 1
        assert AlertDelivery.objects.filter(alert=alert).count() == 1
    finally:
        first.stop()
        second.stop()


def test_realtime_channels_mirror_alert_visibility() -> None:
    with_group = CrisisAlert(pk=1, group_id=7, severity=3, created_at=timezone.now())
    without = CrisisAlert(pk=2, group_id=None, severity=3, created_at=timezone.now())
    assert realtime.alert_channels(with_group) == ["mod.group.7", "mod.admins"]
    assert realtime.alert_channels(without) == ["mod.admins"]


@pytest.mark.embedded
@pytest.mark.django_db
def test_alert_tasks_run_their_services_and_are_scheduled(settings) -> None:
    from moderation.tasks import (
        alert_escalate_due_task,
        alert_follow_up_due_task,
        alert_sweep_task,
    )

    w = _world()
    alert = crisis.alert_raise(
        source=CrisisAlert.Source.DETECTED, severity=3, subject=w.author, group=w.group
    )
    assert alert_deliver_task.apply(args=[alert.pk]).get() == 1
    assert alert_deliver_task.apply(args=[alert.pk]).get() == 0
    assert alert_escalate_due_task.apply().get() == 0
    assert alert_sweep_task.apply().get() == 0
    assert alert_follow_up_due_task.apply().get() == 0
    assert alert_deliver_task.acks_late and alert_deliver_task.reject_on_worker_lost
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule[alert_escalate_due_task.name] == 30
    assert schedule[alert_sweep_task.name] == 30
    assert schedule[alert_follow_up_due_task.name] == 300
