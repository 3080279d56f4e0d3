from django import forms

from accounts.models import User
from groups.models import SupportGroup

from ..selectors.metrics import DEFAULT_WEEKS, WEEK_CHOICES, MetricsFilters, metrics_groups_for


class MetricsFilterForm(forms.Form):
    group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="All my groups",
        error_messages={"invalid_choice": "Choose one of your groups in the list."},
    )
    weeks = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=DEFAULT_WEEKS,
        choices=[(n, f"Last {n} weeks") for n in WEEK_CHOICES],
        label="Period",
        error_messages={"invalid_choice": "Choose one of the periods in the list."},
    )

    def __init__(self, *args, viewer: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = metrics_groups_for(viewer)
        if viewer.is_staff:
            self.fields["group"].empty_label = "Every group"

    def filters(self) -> MetricsFilters:
        return MetricsFilters(group=self.cleaned_data["group"], weeks=self.cleaned_data["weeks"])
