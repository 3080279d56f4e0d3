"""The member's data export ("Your data"): a JSON document of everything the member has
given Haven, built by ``export_document`` with a fixed number of queries whatever the
size of the account.

What it holds is the member's own: their profile and settings, memberships, threads,
posts with their revisions, reactions, flags and wellbeing concerns they raised,
notifications, and what they were told of sanctions. What it never holds: another
member's handle, e-mail or words (other posts appear by id only; a notification's actor
is "A member"), who flagged or raised a concern about them, staff notes, facilitator
notes, crisis alerts or assessments, review items, the audit log, or who at Haven acted
(facilitators are not named)."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from groups.models import Membership, Post, PostRevision, Reaction, Thread, ThreadSubscription
from moderation.models import Flag, Resource, Sanction, WellbeingConcern

from .models import Notification, NotificationPreference, User

FORMAT = "haven-export/1"

# How a post's state reads to its author: what they were shown, in their words.
POST_STATE = {
    Post.State.PUBLISHED: "published",
    Post.State.PENDING: "awaiting a facilitator",
    Post.State.HIDDEN: "hidden while a facilitator reviews it",
    Post.State.REMOVED: "removed by a facilitator",
}

# Reporters are not told how their flag was judged, only whether it was looked at.
FLAG_OUTCOME = {
    Flag.State.OPEN: "waiting for review",
    Flag.State.UPHELD: "reviewed",
    Flag.State.DECLINED: "reviewed",
    Flag.State.DISMISSED: "reviewed",
}

OTHER_MEMBER = "A member"


def _when(value: datetime | date | time | None) -> str | None:
    return value.isoformat() if value is not None else None


def _profile(user: User) -> dict[str, Any]:
    return {
        "handle": user.handle,
        "email": user.email,
        "bio": user.bio,
        "region": user.region,
        "time_zone": user.time_zone,
        "professional_title": user.professional_title,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "guidelines_accepted_at": _when(user.guidelines_accepted_at),
    }


def _settings(user: User) -> dict[str, Any]:
    preferences = NotificationPreference.objects.filter(user=user).order_by("kind")
    return {
        "digest_frequency": user.digest_frequency,
        "last_digest_at": _when(user.last_digest_at),
        "quiet_hours_start": _when(user.quiet_hours_start),
        "quiet_hours_end": _when(user.quiet_hours_end),
        "notifications_paused_until": _when(user.notifications_paused_until),
        # Only the kinds the member changed from Haven's default.
        "notification_preferences": [{"kind": p.kind, "delivery": p.delivery} for p in preferences],
        # Trigger filters: null until the member chose (then the defaults apply).
        "collapse_topics": user.collapse_topics,
        "mute_words": [w for w in user.mute_words.splitlines() if w],
        "link_interstitial": user.link_interstitial,
    }


def _memberships(user: User) -> list[dict[str, Any]]:
    rows = Membership.objects.filter(user=user).select_related("group").order_by("requested_at")
    return [
        {
            "group": {"name": m.group.name, "slug": m.group.slug},
            "role": m.role,
            "status": m.status,
            "entry_answer": m.entry_answer,
            "guidelines_accepted_at": _when(m.guidelines_accepted_at),
            "requested_at": _when(m.requested_at),
            "decided_at": _when(m.decided_at),
            "notifications_muted": m.notifications_muted,
        }
        for m in rows
    ]


def _threads(user: User) -> list[dict[str, Any]]:
    rows = Thread.objects.filter(author=user).select_related("group").order_by("created_at", "pk")
    return [
        {
            "id": t.pk,
            "title": t.title,
            "group": t.group.slug,
            "created_at": _when(t.created_at),
        }
        for t in rows
    ]


def _posts(user: User) -> list[dict[str, Any]]:
    revisions = Prefetch(
        "revisions",
        # What a facilitator redacted stays with facilitators, as on the history page.
        queryset=PostRevision.objects.filter(staff_only=False).order_by("created_at", "pk"),
        to_attr="history",
    )
    rows = (
        Post.objects.filter(author=user)
        .select_related("thread__group")
        .prefetch_related(revisions)
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": p.pk,
            "thread": p.thread_id,
            "group": p.thread.group.slug,
            # Another member's post appears by id only.
            "reply_to": p.reply_to_id,
            "is_opening": p.is_opening,
            "anonymous": p.is_anonymous,
            "body": p.body,
            "content_warning": p.content_warning,
            "content_topics": p.content_topics,
            "state": POST_STATE.get(p.state, p.state),
            "deleted_at": _when(p.deleted_at),
            "created_at": _when(p.created_at),
            "edited_at": _when(p.edited_at),
            # Earlier versions; who made an edit is left out (it may be a facilitator).
            "revisions": [
                {
                    "body": r.body,
                    "content_warning": r.content_warning,
                    "content_topics": r.content_topics,
                    "replaced_at": _when(r.created_at),
                }
                for r in p.history
            ],
        }
        for p in rows
    ]


def _reactions(user: User) -> list[dict[str, Any]]:
    rows = Reaction.objects.filter(user=user).order_by("created_at", "pk")
    return [{"post": r.post_id, "kind": r.kind, "created_at": _when(r.created_at)} for r in rows]


def _subscriptions(user: User) -> list[dict[str, Any]]:
    rows = ThreadSubscription.objects.filter(user=user).order_by("created_at", "pk")
    return [
        {"thread": s.thread_id, "state": s.state, "created_at": _when(s.created_at)} for s in rows
    ]


def _flags(user: User) -> list[dict[str, Any]]:
    rows = Flag.objects.filter(reporter=user).order_by("created_at", "pk")
    return [
        {
            "post": f.post_id,
            "reason": f.reason,
            "note": f.note,
            "created_at": _when(f.created_at),
            "outcome": FLAG_OUTCOME.get(f.state, "reviewed"),
        }
        for f in rows
    ]


def _concerns(user: User) -> list[dict[str, Any]]:
    # Whom a concern was about is another member's data: "a member", and the post by id.
    rows = WellbeingConcern.objects.filter(raised_by=user).order_by("created_at", "pk")
    return [
        {
            "about": OTHER_MEMBER,
            "post": c.post_id,
            "note": c.note,
            "created_at": _when(c.created_at),
        }
        for c in rows
    ]


def _resources(user: User) -> list[dict[str, Any]]:
    rows = Resource.objects.filter(suggested_by=user).order_by("created_at", "pk")
    return [
        {
            "title": r.title,
            "url": r.url,
            "description": r.description,
            "kind": r.kind,
            "state": r.state,
            "created_at": _when(r.created_at),
        }
        for r in rows
    ]


def _notifications(user: User) -> list[dict[str, Any]]:
    rows = (
        Notification.objects.filter(recipient=user)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    result = []
    for n in rows:
        message = n.message
        # The text names whoever acted; the export names no other member.
        if n.actor is not None and n.actor.pk != user.pk and n.actor.handle:
            message = message.replace(n.actor.handle, OTHER_MEMBER)
        result.append(
            {
                "kind": n.kind,
                "message": message,
                "url": n.url,
                "post": n.post_id,
                "count": n.count,
                "created_at": _when(n.created_at),
                "read_at": _when(n.read_at),
                "emailed_at": _when(n.emailed_at),
            }
        )
    return result


def _sanctions(user: User) -> list[dict[str, Any]]:
    # What the member was told: the rule, the message and the dates, not who decided.
    rows = Sanction.objects.filter(user=user).select_related("group", "rule").order_by("starts_at")
    return [
        {
            "kind": s.kind,
            "group": s.group.slug if s.group_id else None,
            "rule": {"number": s.rule.number, "title": s.rule.title},
            "message": s.message,
            "post": s.post_id,
            "starts_at": _when(s.starts_at),
            "ends_at": _when(s.ends_at),
            "acknowledged_at": _when(s.acknowledged_at),
            "revoked_at": _when(s.revoked_at),
        }
        for s in rows
    ]


def _blocks(user: User) -> list[dict[str, Any]]:
    # Haven has no Block model yet; when blocking lands, list the members this member
    # blocked (by handle: the member chose them) and when.
    return []


def export_document(user: User, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything ``user`` has given Haven, as a JSON-ready dict. Reads only; a fixed
    number of queries (one per section, two for posts) whatever the account's size."""
    now = now or timezone.now()
    return {
        "format": FORMAT,
        "generated_at": _when(now),
        "profile": _profile(user),
        "settings": _settings(user),
        "memberships": _memberships(user),
        "threads": _threads(user),
        "posts": _posts(user),
        "reactions": _reactions(user),
        "thread_subscriptions": _subscriptions(user),
        "flags_raised": _flags(user),
        "concerns_raised": _concerns(user),
        "resources_suggested": _resources(user),
        "notifications": _notifications(user),
        "sanctions": _sanctions(user),
        "blocks": _blocks(user),
    }


def export_json(user: User, *, now: datetime | None = None) -> str:
    """The export as JSON text (UTF-8, not ASCII-escaped, indented for reading)."""
    return json.dumps(export_document(user, now=now), ensure_ascii=False, indent=2)
