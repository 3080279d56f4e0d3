from django import forms

from groups.models import SupportGroup

from ..services.concerns import MAX_NOTE


class ConcernForm(forms.Form):
    """A wellbeing concern: an optional note, and where the two members know each other
    from when they share more than one group."""

    group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.none(),
        required=False,
        empty_label=None,
        label="Which group do you know them from?",
        help_text="That group's facilitators will reach out.",
    )
    note = forms.CharField(
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What worries you? (optional)",
        help_text="Only facilitators read this. The member never learns who raised it.",
    )

    def __init__(self, *args, groups: list[SupportGroup] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        groups = groups or []
        if len(groups) > 1:
            self.fields["group"].queryset = SupportGroup.objects.filter(
                pk__in=[g.pk for g in groups]
            ).order_by("name")
            self.fields["group"].required = True
        else:
            del self.fields["group"]
