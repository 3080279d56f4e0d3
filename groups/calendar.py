"""Meeting times and calendar files. Pure: no queries.

``occurrences`` turns a local start (a wall-clock time in a zone) into the UTC times of a
series, keeping the wall-clock time across daylight-saving changes; ``calendar_bytes``
writes an iCalendar (RFC 5545) document with the ``icalendar`` library. Calendar entries
never carry a meeting's join details: those are shown on Haven, to attendees, in the 24
hours before (a calendar file lives on long after, and is often synced to a cloud)."""

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

STEP = {"weekly": timedelta(weeks=1), "fortnightly": timedelta(weeks=2)}
MAX_OCCURRENCES = 26


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist, or exists twice, in the zone (a
    daylight-saving change); the message says so for the facilitator."""


def to_utc(local: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """A naive wall-clock time in ``zone`` as UTC. Refuses the hour a clock change skips
    and the hour it repeats, rather than guessing."""
    local = local.replace(tzinfo=None)  # a wall-clock time, whatever a form attached
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
        raise LocalTimeError(
            f"{local:%H:%M} on {local:%d %B} does not exist in {zone.key} (the clocks go "
            "forward): please choose another time."
        )
    if first.utcoffset() != second.utcoffset():
        raise LocalTimeError(
            f"{local:%H:%M} on {local:%d %B} happens twice in {zone.key} (the clocks go back):"
            " please choose another time."
        )
    return first.astimezone(UTC)


def occurrences(
    start_local: datetime,
    duration: timedelta,
    zone: zoneinfo.ZoneInfo,
    recurrence: str = "none",
    count: int = 1,
) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC for each meeting of a series: the same wall-clock time in
    ``zone`` each week or fortnight. One for "none"; at most MAX_OCCURRENCES."""
    step = STEP.get(recurrence)
    count = 1 if step is None else max(1, min(count, MAX_OCCURRENCES))
    times = []
    for i in range(count):
        local = start_local + (step * i if step else timedelta())
        start = to_utc(local, zone)
        times.append((start, start + duration))
    return times


@dataclass(frozen=True)
class Entry:
    """What a calendar shows of one meeting."""

    uid: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    url: str
    cancelled: bool = False
    sequence: int = 0


def calendar_bytes(entries: Iterable[Entry], *, name: str, stamp: datetime) -> bytes:
    """An iCalendar document of ``entries`` (UTC times, a URL to the meeting's page, no
    join details). Cancelled meetings are kept with STATUS:CANCELLED so calendars that
    already hold them remove them."""
    calendar = Calendar()
    calendar.add("prodid", "-//Haven//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("dtstart", entry.starts_at.astimezone(UTC))
        event.add("dtend", entry.ends_at.astimezone(UTC))
        event.add("summary", entry.title)
        event.add("description", entry.description)
        event.add("url", entry.url)
        event.add("sequence", entry.sequence)
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
