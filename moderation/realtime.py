"""The only place in moderation that publishes to the channel layer.

Channel-layer groups: ``mod.group.<group_id>`` (the group's facilitators with a page open),
``mod.admins``, ``mod.all`` (every moderator: site-wide review items) and
``mod.user.<user_id>``. Messages carry ids, severity, the group's name,
times and a link: never a post's text, nor who raised a concern. The socket consumer
(``moderation.consumers``) re-checks on every message that its viewer may still see the
alert, so a facilitator removed from a group stops receiving at once.

Events: ``crisis.alert`` (a new alert), ``crisis.alert_changed`` (acknowledged, resolved,
escalated) and ``review.changed`` (the review queue's counts moved).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .models import CrisisAlert

logger = logging.getLogger(__name__)

ADMINS_CHANNEL = "mod.admins"
MODERATORS_CHANNEL = "mod.all"

CRISIS_ALERT = "crisis.alert"
CRISIS_ALERT_CHANGED = "crisis.alert_changed"
REVIEW_CHANGED = "review.changed"


def group_channel(group_id: int) -> str:
    return f"mod.group.{group_id}"


def user_channel(user_id: int) -> str:
    return f"mod.user.{user_id}"


def alert_channels(alert: CrisisAlert) -> list[str]:
    """Who may hear of an alert: its group's facilitators and the admins (an alert with no
    group: the admins alone), mirroring ``policies.can_view_alert``."""
    if alert.group_id is None:
        return [ADMINS_CHANNEL]
    return [group_channel(alert.group_id), ADMINS_CHANNEL]


def alert_message(alert: CrisisAlert, event: str = CRISIS_ALERT) -> dict:
    """The channel-layer message for an alert. ``subject_id`` stays inside the server: the
    consumer uses it (a facilitator is not paged about themselves) and never relays it."""
    group = alert.group if alert.group_id else None
    return {
        "type": event,
        "alert_id": alert.pk,
        "severity": int(alert.severity),
        "severity_label": CrisisAlert.Severity(alert.severity).label,
        "state": alert.state,
        "escalation_level": alert.escalation_level,
        "source": alert.source,
        "group_id": alert.group_id,
        "group_name": group.name if group is not None else "",
        "created_at": alert.created_at.isoformat(),
        "url": alert.get_absolute_url(),
        "subject_id": alert.subject_id,
    }


def _send(channels: list[str], message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for channel in channels:
        async_to_sync(layer.group_send)(channel, message)


def publish_alert(alert: CrisisAlert, event: str = CRISIS_ALERT) -> None:
    """Publish now, raising if the layer is unreachable: for the delivery task, which
    retries (and the sweeper redoes it) rather than lose the live message. Call only
    after the alert's transaction has committed."""
    channels = alert_channels(alert)
    _send(channels, alert_message(alert, event))
    if event == CRISIS_ALERT or alert.state == CrisisAlert.State.RESOLVED:
        _send(channels, {"type": REVIEW_CHANGED, "group_id": alert.group_id})


def publish_alert_to(alert: CrisisAlert, user_ids: list[int]) -> None:
    """An alert already out, newly due to some people (its severity rose): a new-alert
    event to them alone, and a change to everyone who follows its group. Raises like
    ``publish_alert``; call after commit."""
    _send([user_channel(pk) for pk in user_ids], alert_message(alert, CRISIS_ALERT))
    _send(alert_channels(alert), alert_message(alert, CRISIS_ALERT_CHANGED))


def publish_alert_on_commit(alert: CrisisAlert, event: str = CRISIS_ALERT) -> None:
    """Publish after the current transaction commits (at once outside one). Robust: a
    channel-layer hiccup is logged and never turns a saved action into an error page."""
    message = alert_message(alert, event)
    channels = alert_channels(alert)
    review_too = event == CRISIS_ALERT or alert.state == CrisisAlert.State.RESOLVED

    def send() -> None:
        _send(channels, message)
        if review_too:
            _send(channels, {"type": REVIEW_CHANGED, "group_id": message["group_id"]})

    transaction.on_commit(send, robust=True)


def publish_review_changed_on_commit(group_id: int | None) -> None:
    """The review queue of ``group_id`` (``None``: site-wide items) changed: open queue
    pages and nav badges refresh their counts. Robust, after commit."""
    channels = (
        [MODERATORS_CHANNEL] if group_id is None else [group_channel(group_id), ADMINS_CHANNEL]
    )
    message = {"type": REVIEW_CHANGED, "group_id": group_id}
    transaction.on_commit(lambda: _send(channels, message), robust=True)


QUEUE_CHANGED = "queue.changed"


def publish_queue_changed_on_commit(group_id: int | None) -> None:
    """A flag, held post or join request of ``group_id`` was raised or settled: open
    review queues of the group's facilitators and of admins refresh their counts (flags,
    pending posts, join requests). Carries the group id only; each socket reads the
    counts its own viewer may see. Robust, after commit; nothing if it rolls back."""
    channels = (
        [MODERATORS_CHANNEL] if group_id is None else [group_channel(group_id), ADMINS_CHANNEL]
    )
    message = {"type": QUEUE_CHANGED, "group_id": group_id}

    transaction.on_commit(lambda: _send(channels, message), robust=True)
