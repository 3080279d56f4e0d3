"""The groups app's models, one module per area, re-exported here."""

from .groups import Invitation, Membership, SupportGroup
from .meetings import CalendarFeed, Meeting, MeetingNote, MeetingQuerySet, MeetingRSVP
from .threads import (
    MAX_TREE_DEPTH,
    PATH_DIGITS,
    Post,
    PostQuerySet,
    PostRevision,
    Reaction,
    SearchGinIndex,
    Thread,
    ThreadPageVersion,
    ThreadQuerySet,
    ThreadReadState,
    ThreadSubscription,
)

__all__ = [
    "MAX_TREE_DEPTH",
    "PATH_DIGITS",
    "CalendarFeed",
    "Invitation",
    "Meeting",
    "MeetingNote",
    "MeetingQuerySet",
    "MeetingRSVP",
    "Membership",
    "Post",
    "PostQuerySet",
    "PostRevision",
    "Reaction",
    "SearchGinIndex",
    "SupportGroup",
    "Thread",
    "ThreadPageVersion",
    "ThreadQuerySet",
    "ThreadReadState",
    "ThreadSubscription",
]
