import zoneinfo
from datetime import datetime

from django import forms
from django.utils import timezone

from ..models import DutyShift, DutyStatus


def user_zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class DutySwitchForm(forms.Form):
    """On duty, off duty, or follow the rota; a manual switch may end at a time given in
    the facilitator's own time zone."""

    mode = forms.ChoiceField(
        choices=DutyStatus.Mode.choices,
        widget=forms.RadioSelect,
        label="Duty",
        error_messages={
            "required": "Please choose on duty, off duty or your rota.",
            "invalid_choice": "Please choose on duty, off duty or your rota.",
        },
    )
    until = forms.DateTimeField(
        required=False,
        label="Until (optional)",
        help_text="In your time zone. Afterwards your rota applies again. Leave empty to "
        "stay switched until you change it.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Enter a date and time like 2025-03-31 18:00."},
    )

    def __init__(self, *args, tz: zoneinfo.ZoneInfo, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = tz
        self.now = now or timezone.now()

    def full_clean(self) -> None:
        # A time typed without a zone is the facilitator's local time.
        with timezone.override(self.tz):
            super().full_clean()

    def clean(self) -> dict:
        data = super().clean()
        until = data.get("until")
        if data.get("mode") == DutyStatus.Mode.ROTA:
            data["until"] = None
        elif until is not None and until <= self.now:
            self.add_error("until", "Please choose a time in the future.")
        return data


class ShiftForm(forms.Form):
    """One weekly slot of the rota, in the facilitator's time zone."""

    weekday = forms.TypedChoiceField(
        choices=DutyShift.Weekday.choices,
        coerce=int,
        label="Day",
        error_messages={
            "required": "Please choose a day.",
            "invalid_choice": "Please choose a day of the week.",
        },
    )
    starts = forms.TimeField(
        label="From",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Please give a start time.",
            "invalid": "Enter a time like 18:30.",
        },
    )
    ends = forms.TimeField(
        label="To",
        help_text="An end before the start runs past midnight; the same time covers the day.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Please give an end time.",
            "invalid": "Enter a time like 23:00.",
        },
    )


class ShiftRemoveForm(forms.Form):
    shift = forms.IntegerField(
        min_value=1, error_messages={"required": "Which shift?", "invalid": "Which shift?"}
    )
