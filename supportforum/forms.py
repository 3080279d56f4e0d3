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


def topics_field(label: str, help_text: str) -> forms.MultipleChoiceField:
    """Sensitive topics from the trigger-filter taxonomy, as checkboxes."""
    from accounts.triggers import Topic

    return forms.MultipleChoiceField(
        required=False,
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
        error_messages={"invalid_choice": "Please choose topics from the list."},
    )
