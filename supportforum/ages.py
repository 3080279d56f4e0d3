"""How long ago something happened ("3 hours"), as Django's ``timesince`` says it, for the
pages that print it many times a request (each post and note on the thread page, each
thread on a group page).

``timesince`` looks up its words through gettext on every call, a measurable part of a
thread page. Its words count whole minutes at most, so they are worked out once per
moment, age in minutes and language and remembered (a small, bounded memo in each
process): the same words ``timesince`` would say now."""

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.utils import translation
from django.utils.timesince import timesince
from django.utils.timezone import is_aware


@lru_cache(maxsize=8192)
def _age(moment: datetime, minutes: int, language: str | None) -> str:
    return timesince(moment, moment + timedelta(minutes=minutes))


def age(moment: datetime | None) -> str:
    """``timesince(moment)``: "" for no moment or one it cannot compare with now (as the
    ``timesince`` filter); "0 minutes" for the last minute and the future."""
    if not moment:
        return ""
    try:
        if not isinstance(moment, datetime):  # a date: its midnight, as timesince does
            moment = datetime(moment.year, moment.month, moment.day)
        now = datetime.now(UTC if is_aware(moment) else None)
        minutes = max(int((now - moment).total_seconds() // 60), 0)
        return _age(moment, minutes, translation.get_language())
    except (ValueError, TypeError, AttributeError):
        return ""
