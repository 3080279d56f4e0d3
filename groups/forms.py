from django import forms

from .models import Reaction
from .services import MAX_BODY, MAX_TITLE

BODY_HELP = "Markdown works: *italic*, **bold**, lists and links. No images or HTML."
CW_HELP = (
    "Optional. If your post mentions something that could be hard to read (e.g. self-harm, "
    "bereavement, medical detail), name it here and the post will be folded until opened."
)


class JoinForm(forms.Form):
    accept_guidelines = forms.BooleanField(
        required=False, label="I have read and accept this group's guidelines"
    )
    entry_answer = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class InvitationForm(forms.Form):
    handle = forms.CharField(
        required=False,
        max_length=30,
        label="Invite a member by handle (optional)",
        help_text="They are notified, and only they can use the link. Leave empty for a "
        "link you hand to someone yourself.",
    )
    note = forms.CharField(
        required=False,
        max_length=120,
        label="Note for facilitators (optional)",
        help_text="e.g. who the link is for. Members never see it.",
    )


class EditForm(forms.Form):
    """What a post says: used to edit, and the base of the thread and reply forms."""

    body = forms.CharField(
        label="Your message",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=BODY_HELP,
        error_messages={"required": "Please write something first."},
    )
    content_warning = forms.CharField(
        required=False, max_length=120, label="Content warning", help_text=CW_HELP
    )


class PostFields(EditForm):
    anonymous = forms.BooleanField(
        required=False,
        label="Post as “Anonymous member” (facilitators can still see it was you)",
    )

    def __init__(self, *args, allow_anonymous: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not allow_anonymous:
            del self.fields["anonymous"]


class ThreadForm(PostFields):
    title = forms.CharField(
        max_length=MAX_TITLE, error_messages={"required": "Please add a title."}
    )
    field_order = ["title", "body", "content_warning", "anonymous"]


class ReplyForm(PostFields):
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class ReplyTargetForm(forms.Form):
    """The ``?to=`` of a reply link: which post is being answered."""

    to = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


class DecisionForm(forms.Form):
    membership = forms.IntegerField(min_value=1)
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])


class SubscriptionForm(forms.Form):
    state = forms.ChoiceField(
        choices=[("follow", "Follow"), ("mute", "Mute"), ("default", "Default")],
        error_messages={"invalid_choice": "Choose follow, mute or default."},
    )


class GroupMuteForm(forms.Form):
    muted = forms.TypedChoiceField(
        choices=[("1", "Mute"), ("0", "Unmute")],
        coerce=lambda value: value == "1",
        error_messages={"invalid_choice": "Choose mute or unmute."},
    )
