from django import forms

from accounts.models import User
from groups.models import SupportGroup

from ..models import CrisisAlert
from ..selectors.alerts import STATE_UNRESOLVED, AlertFilters, alert_groups_for


class AlertFilterForm(forms.Form):
    """The alert list's filters (all optional; read from the query string)."""

    state = forms.ChoiceField(
        required=False,
        choices=[
            (STATE_UNRESOLVED, "Open, and resolved this week"),
            *CrisisAlert.State.choices,
            ("all", "Every alert"),
        ],
        error_messages={"invalid_choice": "Choose one of the states in the list."},
    )
    severity = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any severity"), *reversed(CrisisAlert.Severity.choices)],
        error_messages={"invalid_choice": "Choose one of the severities in the list."},
    )
    group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="All my groups",
        error_messages={"invalid_choice": "Choose one of your groups in the list."},
    )

    def __init__(self, *args, viewer: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = alert_groups_for(viewer)

    def filters(self) -> AlertFilters:
        """The filters to apply (call once the form is valid)."""
        state = self.cleaned_data["state"] or STATE_UNRESOLVED
        return AlertFilters(
            state="" if state == "all" else state,
            severity=self.cleaned_data["severity"],
            group=self.cleaned_data["group"],
        )


class AlertResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=CrisisAlert.Outcome.choices,
        widget=forms.RadioSelect,
        label="What happened?",
        error_messages={
            "required": "Please choose what happened.",
            "invalid_choice": "Please choose one of the outcomes listed.",
        },
    )
    note = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Note for the record (optional)",
        help_text="What you did and anything a colleague should know. The member never sees this.",
        error_messages={"max_length": "Please keep the note under 4,000 characters."},
    )
