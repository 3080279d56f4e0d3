"""Form pieces every app uses."""

from django import forms


def date_field(label: str) -> forms.DateField:
    """An optional date, picked or typed as year-month-day, with a message that shows how."""
    return forms.DateField(
        required=False,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as year-month-day, e.g. 2026-03-14."},
    )
