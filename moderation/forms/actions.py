from datetime import timedelta

from django import forms

from groups.models import SupportGroup
from supportforum.forms import topics_field

from ..models import Guideline, ReviewItem, Sanction
from ..services.sanctions import LADDER

DURATIONS = [
    ("", "No end (warnings and bans)"),
    ("24h", "24 hours"),
    ("72h", "72 hours"),
    ("7d", "7 days"),
    ("30d", "30 days"),
    ("90d", "90 days"),
]


class RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Guideline) -> str:
        scope = obj.group.name if obj.group_id else "Haven"
        return f"{scope} rule {obj.number}: {obj.title}"


def _rule_field(rules: list[Guideline]) -> RuleChoiceField:
    return RuleChoiceField(
        queryset=Guideline.objects.filter(pk__in=[rule.pk for rule in rules]),
        label="Which rule does it break?",
        empty_label="Choose a rule",
        error_messages={
            "required": "Please choose the rule this breaks.",
            "invalid_choice": "Please choose one of this group's or Haven's rules.",
        },
    )


class QueueFilterForm(forms.Form):
    group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="All my groups",
    )
    kind = forms.ChoiceField(choices=[("", "Every kind"), *ReviewItem.Kind.choices], required=False)
    state = forms.ChoiceField(
        choices=ReviewItem.State.choices, required=False, initial=ReviewItem.State.OPEN
    )

    def __init__(self, *args, groups, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class ApproveForm(forms.Form):
    unhelpful = forms.BooleanField(
        required=False,
        label="The flags were not helpful (lowers the weight of these reporters' future flags)",
    )


class HideForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500, label="Why (for the log)")


class RemoveForm(forms.Form):
    message = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="A personal message to the author (optional)",
        help_text="They are told which rule, and this message. Be kind; they may be struggling.",
    )

    def __init__(self, *args, rules: list[Guideline], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"rule": _rule_field(rules), **self.fields}


class ContentWarningForm(forms.Form):
    content_warning = forms.CharField(
        required=False,
        max_length=120,
        label="Content warning",
        help_text="e.g. “detailed description of a panic attack”. Folds the post for everyone.",
    )
    content_topics = topics_field(
        "Sensitive topics", "Folds the post for members who chose to fold these topics."
    )


class RedactForm(forms.Form):
    passage = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Passage to remove",
        help_text="Copy it exactly from the post, e.g. a phone number or an address. Every "
        "occurrence is replaced by “[removed by a facilitator]”; the original stays in the "
        "edit history, which only facilitators can see.",
        error_messages={"required": "Please paste the passage to remove."},
    )
    reason = forms.CharField(
        max_length=300,
        label="Why (for the audit log and the author)",
        help_text="e.g. “a phone number: sharing contact details is not safe here”.",
        error_messages={"required": "Please say why."},
    )


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(choices=Sanction.Kind.choices, label="Sanction")
    duration = forms.ChoiceField(choices=DURATIONS, required=False, label="For how long")
    message = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Message to the member",
        help_text="What happened, which behaviour must change, and where to get support.",
        error_messages={"required": "Please write a message to the member."},
    )

    def __init__(self, *args, rules: list[Guideline], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"rule": _rule_field(rules), **self.fields}

    def clean_duration(self) -> timedelta | None:
        value = self.cleaned_data["duration"]
        if not value:
            return None
        amount, unit = int(value[:-1]), value[-1]
        return timedelta(hours=amount) if unit == "h" else timedelta(days=amount)


def initial_for_step(step_index: int) -> dict:
    step = LADDER[step_index]
    duration = ""
    if step.duration is not None:
        hours = int(step.duration.total_seconds() // 3600)
        duration = f"{hours}h" if hours < 168 else f"{hours // 24}d"
    return {"kind": step.kind, "duration": duration}


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=1000,
        label="Why lift it",
        error_messages={"required": "Please say why it is lifted."},
    )


class SpamForm(forms.Form):
    confirm = forms.BooleanField(
        label="Remove every post of this account and ban it",
        error_messages={"required": "Please tick the box to confirm."},
    )

    def __init__(self, *args, rules: list[Guideline], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"rule": _rule_field(rules), **self.fields}


class JoinDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
