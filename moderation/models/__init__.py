"""Moderation's models: rules, review and sanctions (``review``), the resources library
(``resources``) and crisis care (``crisis``)."""

from .crisis import (
    AlertDelivery,
    AlertEscalation,
    AlertView,
    CrisisAlert,
    CrisisLine,
    DutyShift,
    DutyStatus,
    LexiconEntry,
    LexiconRescan,
    WellbeingConcern,
)
from .resources import DIGITAL_LITERACY_SLUG, FacilitatorNote, GuidePage, Resource, ResourcePin
from .review import (
    AuditLogEntry,
    Flag,
    Guideline,
    ReviewItem,
    Sanction,
    StaffNote,
    WatchedWord,
)

__all__ = [
    "DIGITAL_LITERACY_SLUG",
    "AlertDelivery",
    "AlertEscalation",
    "AlertView",
    "AuditLogEntry",
    "CrisisAlert",
    "CrisisLine",
    "DutyShift",
    "DutyStatus",
    "FacilitatorNote",
    "Flag",
    "GuidePage",
    "Guideline",
    "LexiconEntry",
    "LexiconRescan",
    "Resource",
    "ResourcePin",
    "ReviewItem",
    "Sanction",
    "StaffNote",
    "WatchedWord",
    "WellbeingConcern",
]
