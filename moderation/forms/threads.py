from django import forms

from accounts.models import User
from groups import policies as group_policies
from groups.models import SupportGroup, Thread

from .. import policies
from ..models import Resource

REASON_HELP = "Members see this on the thread, with your handle."


class ReasonForm(forms.Form):
    """The reason for a lock, unlock, pin or unpin (required where members will see it)."""

    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Please give a reason.",
            "max_length": "A reason can be at most 300 characters.",
        },
    )

    def __init__(self, *args, required: bool, label: str, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text


class MoveForm(forms.Form):
    to_group = forms.ModelChoiceField(
        queryset=SupportGroup.objects.none(),
        label="Move to",
        empty_label="Choose a group",
        error_messages={
            "required": "Please choose a group.",
            "invalid_choice": "You can only move threads into groups you facilitate.",
        },
    )
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why move it?",
        help_text="The author is told, with this reason.",
        error_messages={
            "required": "Please give a reason for moving the thread.",
            "max_length": "A reason can be at most 300 characters.",
        },
    )

    def __init__(self, *args, actor: User, thread: Thread, **kwargs):
        super().__init__(*args, **kwargs)
        groups = SupportGroup.objects.exclude(pk=thread.group_id).order_by("name")
        if not group_policies.is_admin(actor):
            groups = groups.filter(pk__in=policies.moderated_group_ids(actor))
        self.fields["to_group"].queryset = groups


class FacilitatorNoteForm(forms.Form):
    body = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Your note (Markdown)",
        help_text="Shown under the post to everyone who can read it, with your handle. The "
        "post stays visible: add the correction or context readers need, kindly.",
        error_messages={
            "required": "Please write the note.",
            "max_length": "A note can be at most 4,000 characters.",
        },
    )
    resource = forms.ModelChoiceField(
        queryset=Resource.objects.vetted(),
        required=False,
        label="Link a vetted resource (optional)",
        empty_label="No resource",
        error_messages={"invalid_choice": "Only a vetted resource can be linked from a note."},
    )
    about_misinformation = forms.BooleanField(
        required=False,
        initial=True,
        label="It corrects health information that could mislead",
        help_text="Links the guide “How to judge health information you read online”.",
    )
