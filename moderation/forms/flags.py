from django import forms

from ..models import Flag


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
        label="What is wrong with this post?",
        error_messages={"required": "Please choose a reason."},
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything a facilitator should know? (optional)",
        help_text="Only facilitators read this. The author never learns who flagged.",
    )
