from django import forms

from groups.models import SupportGroup

from ..models import StaffNote

SITE_WIDE = "site"


class StaffNoteForm(forms.Form):
    """A staff note about a member, in one of the groups the writer may choose
    (site-wide only for admins)."""

    group = forms.ChoiceField(
        label="About their time in",
        error_messages={
            "required": "Choose the group this note is about.",
            "invalid_choice": "Choose one of the groups in the list.",
        },
    )
    body = forms.CharField(
        label="Note",
        max_length=StaffNote._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only facilitators and admins read staff notes, never the member. "
        "Every reading is logged. Record facts and what was done, not diagnoses.",
        error_messages={"required": "Write the note first."},
    )

    def __init__(self, *args, groups: list[SupportGroup], site_wide: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._groups = {str(g.pk): g for g in groups}
        choices = [(str(g.pk), g.name) for g in groups]
        if site_wide:
            choices.insert(0, (SITE_WIDE, "Site-wide (every facilitator of their groups)"))
        if len(choices) > 1:
            choices.insert(0, ("", "Choose…"))
        self.fields["group"].choices = choices

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write the note first.")
        return body

    def clean_group(self) -> SupportGroup | None:
        value = self.cleaned_data["group"]
        return None if value == SITE_WIDE else self._groups[value]
