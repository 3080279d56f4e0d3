"""Where to get help now: the crisis lines for a member's country, and a fallback that is
never empty (a wrong or missing number here does harm, so the fallback is always shown
when a country has no verified line)."""

import re
from dataclasses import dataclass, field

from accounts.models import User

from ..models import CrisisLine
from .resources import region_label

FIND_A_HELPLINE = "https://findahelpline.com"
EMERGENCY_NUMBERS = "112 in most of Europe, 911 in North America, 999 in the UK, 000 in Australia"


@dataclass(frozen=True)
class CrisisLines:
    """The lines to show for one country (``region``, an ISO code; empty when unknown)."""

    region: str
    lines: list[CrisisLine] = field(default_factory=list)
    from_profile: bool = False

    @property
    def region_name(self) -> str:
        return region_label(self.region) if self.region else ""

    @property
    def fallback(self) -> bool:
        """No line we can vouch for: show the emergency numbers and how to find a line."""
        return not self.lines

    @property
    def emergency_numbers(self) -> str:
        return EMERGENCY_NUMBERS

    @property
    def find_a_helpline(self) -> str:
        return FIND_A_HELPLINE


def clean_region(value: object) -> str:
    """An ISO 3166 alpha-2 code from untrusted input, or "" (never an error)."""
    code = str(value or "").strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else ""


_TEXT_KEYWORD = re.compile(r"(?i)\btext\s+([a-z0-9]+)\s+to\s+(\+?[0-9][0-9 ]*)")
_NUMBER = re.compile(r"\+?[0-9][0-9 ]*[0-9]|[0-9]")


def _dial(number: str) -> str:
    """What a tel: or sms: link dials: digits, and a leading + if there is one."""
    digits = re.sub(r"[^0-9]", "", number)
    return f"+{digits}" if number.strip().startswith("+") and digits else digits


def _decorate(line: CrisisLine) -> CrisisLine:
    """Add ``tel_href`` and ``sms_href`` (empty when the line has none)."""
    line.tel_href = f"tel:{_dial(line.phone)}" if _dial(line.phone) else ""
    line.sms_href = ""
    keyword = _TEXT_KEYWORD.search(line.text)
    if keyword:
        line.sms_href = f"sms:{_dial(keyword.group(2))}?body={keyword.group(1).upper()}"
    else:
        number = _NUMBER.search(line.text)
        if number and _dial(number.group()):
            line.sms_href = f"sms:{_dial(number.group())}"
    return line


def lines_for(user_or_region: User | str | None) -> "CrisisLines":
    """The active lines for a member's region (``user.region``) or for an ISO code. An
    anonymous visitor, a member without a region, or a country with no line gets the
    fallback. One query, none without a region."""
    from_profile = not isinstance(user_or_region, str) and user_or_region is not None
    if from_profile:
        region = clean_region(getattr(user_or_region, "region", ""))
    else:
        region = clean_region(user_or_region)
    if not region:
        return CrisisLines(region="", from_profile=from_profile)
    lines = [
        _decorate(line)
        for line in CrisisLine.objects.filter(country=region, active=True).order_by("order", "name")
    ]
    return CrisisLines(region=region, lines=lines, from_profile=from_profile)


def crisis_line_regions() -> list[tuple[str, str]]:
    """(code, name) of every country with an active line, by name: the region picker."""
    codes = (
        CrisisLine.objects.filter(active=True)
        .order_by()
        .values_list("country", flat=True)
        .distinct()
    )
    return sorted(((code, region_label(code)) for code in codes), key=lambda row: row[1])
