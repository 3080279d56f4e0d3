from django import forms

from groups.models import Membership, SupportGroup

from ..selectors.crisis_lines import clean_region
from ..services.help import MAX_MESSAGE

DRAFT_MAX = 20_000


class RegionForm(forms.Form):
    """``?region=GB``: any country's lines, whatever the profile says. Bad input is
    ignored (the member's own region is shown), never an error."""

    region = forms.CharField(required=False, max_length=10)

    def clean_region(self) -> str:
        return clean_region(self.cleaned_data.get("region"))


class TalkForm(forms.Form):
    """Ask a facilitator to contact you privately."""

    group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.none(),
        required=False,
        empty_label="Any facilitator",
        label="Which group's facilitators? (optional)",
        help_text="Leave it as it is and Haven's own team will reach out.",
    )
    message = forms.CharField(
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything you'd like them to know? (optional)",
        help_text="Only facilitators read this.",
    )

    def __init__(self, *args, member=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if member is not None and member.is_authenticated:
            self.fields["group"].queryset = SupportGroup.objects.filter(
                memberships__user=member, memberships__status=Membership.Status.ACTIVE
            ).order_by("name")


class DraftForm(forms.Form):
    """What a member is writing, checked before posting. Over-long drafts are cut rather
    than refused: the check is a courtesy, the post itself is assessed in full."""

    title = forms.CharField(required=False, strip=False)
    body = forms.CharField(required=False, strip=False)
    group = forms.IntegerField(required=False, min_value=1)

    def draft(self) -> str:
        title = self.cleaned_data.get("title") or ""
        body = self.cleaned_data.get("body") or ""
        text = f"{title}\n{body}" if title else body
        if len(text) > DRAFT_MAX:
            # The newest words are most often at the end; keep the start too.
            half = DRAFT_MAX // 2
            text = f"{text[:half]}\n{text[-half:]}"
        return text
