"""Live crisis alerts and queue counts for facilitators and admins (``ws/mod/``).

Authorised on connect (close 4403 otherwise), and again on every message: a facilitator
removed from a group, or suspended, or whose session ended, went idle too long or never
passed two-factor authentication, stops receiving at once. Relays what
``moderation.realtime`` publishes, never more: ids, severity, group, times and a link."""

from collections import OrderedDict
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.consumers import MemberSocketMixin
from accounts.models import User
from groups import policies as group_policies
from supportforum.middleware import idle_expired, stored_session

from . import policies, realtime
from .decorators import session_passed_mfa
from .models import CrisisAlert, ReviewItem, Sanction
from .selectors.alerts import visible_alerts
from .selectors.queue import review_counts_for

CATCH_UP_LIMIT = 50
# Remembered relays, so an admin who also facilitates the group hears each event once.
RELAYED_MEMORY = 256
PRIVATE_KEYS = {"type", "subject_id"}


def _as_id(value: object) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _public(message: dict) -> dict:
    return {key: value for key, value in message.items() if key not in PRIVATE_KEYS}


class ModerationConsumer(MemberSocketMixin, AsyncJsonWebsocketConsumer):
    """One socket per open page of a facilitator or admin. Joins ``mod.group.<id>`` for
    each group they facilitate, ``mod.admins`` for admins, ``mod.all`` and
    ``mod.user.<id>``. A client that reconnects sends ``{"type": "catch_up", "since":
    <last alert id seen>}`` (or connects with ``?since=``) and receives the unresolved
    alerts it may see that it missed."""

    channel_groups: list[str]

    async def connect(self) -> None:
        self.channel_groups = []
        self.relayed: OrderedDict[tuple, None] = OrderedDict()
        access = await self._access()
        if access is None:
            await self.close(code=4403)
            return
        user_id, is_admin, group_ids = access
        self.user_id = user_id
        self.channel_groups = [realtime.group_channel(pk) for pk in sorted(group_ids)]
        if is_admin:
            self.channel_groups.append(realtime.ADMINS_CHANNEL)
        self.channel_groups += [realtime.MODERATORS_CHANNEL, realtime.user_channel(user_id)]
        for name in self.channel_groups:
            await self.channel_layer.group_add(name, self.channel_name)
        await self.accept()
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        if "since" in query:
            await self._catch_up(query["since"][0])

    async def disconnect(self, code: int) -> None:
        for name in getattr(self, "channel_groups", []):
            await self.channel_layer.group_discard(name, self.channel_name)

    async def receive_json(self, content: object, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "catch_up":
            await self._catch_up(content.get("since", 0))

    # --- relays (channel-layer event "crisis.alert" is handled by crisis_alert, ...) ---

    async def crisis_alert(self, event: dict) -> None:
        await self._relay_alert(event)

    async def crisis_alert_changed(self, event: dict) -> None:
        await self._relay_alert(event)

    async def review_changed(self, event: dict) -> None:
        count = await self._review_count(event.get("group_id"))
        if count is not None:
            await self.send_json({"type": "review.changed", "count": count})

    async def queue_changed(self, event: dict) -> None:
        """Counts of the review queue by kind, as this viewer may see them (re-checked:
        the group's facilitators and admins only)."""
        counts = await self._queue_counts(event.get("group_id"))
        if counts is not None:
            await self.send_json({"type": "queue.changed", "counts": counts})

    async def _relay_alert(self, event: dict) -> None:
        key = (
            event["type"],
            event.get("alert_id"),
            event.get("state"),
            event.get("escalation_level"),
            event.get("severity"),
        )
        if key in self.relayed:
            return
        verdict = await self._may_see(event.get("group_id"), event.get("subject_id"))
        if verdict is None:
            await self.close(code=4403)
            return
        if not verdict:
            return
        self.relayed[key] = None
        while len(self.relayed) > RELAYED_MEMORY:
            self.relayed.popitem(last=False)
        await self.send_json({"type": event["type"], **_public(event)})

    async def _catch_up(self, since: object) -> None:
        since_id = _as_id(since)
        if since_id is None:
            await self.send_json({"type": "error", "message": "since must be an alert id."})
            return
        found = await self._missed(since_id)
        if found is None:
            await self.close(code=4403)
            return
        alerts, more = found
        await self.send_json({"type": "crisis.catch_up", "alerts": alerts, "more": more})

    # --- reads (fresh each time: roles change while a page stays open) ---

    def _fresh_user(self) -> User | None:
        """The socket's user as the database has them now, if still allowed here: signed
        in, active, not suspended or banned, and a facilitator or admin; and their session,
        as the store has it now, still signed in, not idle too long, and one that passed
        two-factor authentication (the same gate as the pages, ``moderator_required``)."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        session = stored_session(self.scope)
        if session is None or idle_expired(session) or not session_passed_mfa(session, user):
            return None
        fresh = User.objects.filter(pk=user.pk, is_active=True).first()
        if fresh is None or not policies.is_moderator(fresh):
            return None
        barred = {Sanction.Kind.SUSPENSION, Sanction.Kind.BAN}
        if any(s.kind in barred for s in group_policies.sanctions_in_force(fresh)):
            return None
        return fresh

    @database_sync_to_async
    def _access(self) -> tuple[int, bool, set[int]] | None:
        fresh = self._fresh_user()
        if fresh is None:
            return None
        return fresh.pk, group_policies.is_admin(fresh), set(policies.moderated_group_ids(fresh))

    @database_sync_to_async
    def _may_see(self, group_id: int | None, subject_id: int | None) -> bool | None:
        """None: no longer allowed on this socket at all; else whether this alert is
        theirs to see (``policies.can_view_alert``). Nobody is paged about themselves."""
        fresh = self._fresh_user()
        if fresh is None:
            return None
        if subject_id is not None and subject_id == fresh.pk:
            return False
        return policies.can_view_alert(fresh, CrisisAlert(group_id=group_id))

    @database_sync_to_async
    def _review_count(self, group_id: int | None) -> int | None:
        fresh = self._fresh_user()
        if fresh is None or not policies.can_moderate_in(fresh, group_id):
            return None
        return review_counts_for(fresh)["all"]

    @database_sync_to_async
    def _queue_counts(self, group_id: int | None) -> dict[str, int] | None:
        fresh = self._fresh_user()
        if fresh is None or not policies.can_moderate_in(fresh, group_id):
            return None
        counts = review_counts_for(fresh)
        return {
            "all": counts["all"],
            "flagged_post": counts.get(ReviewItem.Kind.FLAGGED_POST, 0),
            "pending_post": counts.get(ReviewItem.Kind.PENDING_POST, 0),
            "join_request": counts.get(ReviewItem.Kind.JOIN_REQUEST, 0),
        }

    @database_sync_to_async
    def _missed(self, since_id: int) -> tuple[list[dict], bool] | None:
        fresh = self._fresh_user()
        if fresh is None:
            return None
        alerts = list(
            visible_alerts(fresh)
            .unresolved()
            .filter(pk__gt=since_id)
            .exclude(subject_id=fresh.pk)
            .select_related("group")
            .order_by("pk")[: CATCH_UP_LIMIT + 1]
        )
        more = len(alerts) > CATCH_UP_LIMIT
        return [_public(realtime.alert_message(a)) for a in alerts[:CATCH_UP_LIMIT]], more
