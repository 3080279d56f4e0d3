from django import forms

from accounts.models import User
from groups.models import SupportGroup
from supportforum.forms import date_field

from ..selectors.audit import AuditFilters, audit_action_choices, audit_groups_for


class AuditFilterForm(forms.Form):
    """The audit log's filters (all optional; read from the query string)."""

    group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.none(),
        required=False,
        empty_label="All groups",
        error_messages={"invalid_choice": "Choose one of the groups in the list."},
    )
    action = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "Choose one of the actions in the list."},
    )
    actor = forms.CharField(required=False, max_length=30, label="Done by (handle)")
    target = forms.CharField(required=False, max_length=30, label="Member concerned (handle)")
    since = date_field("From")
    until = date_field("Until")

    def __init__(self, *args, viewer: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = audit_groups_for(viewer)
        self.fields["action"].choices = [("", "All actions"), *audit_action_choices()]

    def clean_actor(self) -> str:
        return self.cleaned_data["actor"].strip().lstrip("@")

    def clean_target(self) -> str:
        return self.cleaned_data["target"].strip().lstrip("@")

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date is before the start date.")
        return data

    def filters(self) -> AuditFilters:
        """The filters to apply (call once the form is valid)."""
        return AuditFilters(**self.cleaned_data)
