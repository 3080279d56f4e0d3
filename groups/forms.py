import uuid

from django import forms

from accounts.models import TIME_ZONE_CHOICES
from supportforum.forms import date_field, topics_field

from .models import Meeting, Reaction
from .services import MAX_BODY, MAX_TITLE

BODY_HELP = "Markdown works: *italic*, **bold**, lists and links. No images or HTML."
CW_HELP = (
    "Optional. If your post mentions something that could be hard to read, name it here "
    "and the post will be folded until opened."
)
TOPICS_HELP = (
    "Optional. Tick what your post talks about: members who chose to fold these topics "
    "will see it folded, with the topic named."
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
    content_topics = topics_field("Sensitive topics", TOPICS_HELP)
    # Asked only after the personal-information guard found something (see
    # ``personal_information_found``); hidden and false until then.
    personal_ok = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        label="Post it anyway: I have checked what it shares",
        label_suffix="",
    )

    personal_segments: dict | None = None
    personal_held = False

    def personal_information_found(self, exc) -> None:
        """The guard found personal information: show the highlighted parts (the
        template's ``groups/_personal_warning.html``) and ask to post anyway."""
        self.personal_segments = exc.segments
        self.personal_held = exc.held
        self.fields["personal_ok"].widget = forms.CheckboxInput()


class PostFields(EditForm):
    anonymous = forms.BooleanField(
        required=False,
        label="Post as “Anonymous member” (facilitators can still see it was you)",
    )
    # A fresh token in every form shown: the same form sent twice saves one post (see
    # ``Post.submission``). Anything but a UUID counts as none (an old page, a script).
    submission = forms.CharField(
        required=False, widget=forms.HiddenInput, initial=uuid.uuid4, max_length=64
    )

    def __init__(self, *args, allow_anonymous: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not allow_anonymous:
            del self.fields["anonymous"]

    def clean_submission(self) -> uuid.UUID | None:
        try:
            return uuid.UUID(self.cleaned_data.get("submission") or "")
        except ValueError:
            return None


class ThreadForm(PostFields):
    title = forms.CharField(
        max_length=MAX_TITLE, error_messages={"required": "Please add a title."}
    )
    field_order = ["title", "body", "content_warning", "content_topics", "anonymous"]


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


class SearchForm(forms.Form):
    """The search page's GET parameters. The query itself is never logged or stored."""

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search for",
        widget=forms.SearchInput,
        help_text='Use "quotes" for a phrase, -word to leave a word out, or to find either.',
        error_messages={
            "max_length": "Please search with at most %(limit_value)d characters "
            "(this has %(show_value)d).",
        },
    )
    group = forms.ChoiceField(
        required=False,
        label="Group",
        error_messages={"invalid_choice": "Choose one of the groups you can read."},
    )
    author = forms.CharField(required=False, max_length=40, label="Posted by (handle)")
    since = date_field("From")
    until = date_field("To")

    def __init__(self, *args, groups=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "All your groups")] + [
            (g.slug, g.name) for g in groups
        ]

    def clean_author(self) -> str:
        return self.cleaned_data["author"].lstrip("@")

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("q"):
            raise forms.ValidationError("Type a word or two to search for.")
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The “to” date is before the “from” date.")
        return data


class MeetingForm(forms.Form):
    """Schedule a meeting: the wall-clock start in the chosen zone (stored in UTC)."""

    title = forms.CharField(max_length=120)
    description = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_local = forms.DateTimeField(
        label="Starts",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": "Enter the date and time, e.g. 2026-03-14 18:30."},
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes", min_value=15, max_value=480, initial=60
    )
    time_zone = forms.ChoiceField(label="Time zone of that time", choices=TIME_ZONE_CHOICES)
    kind = forms.ChoiceField(label="How people meet", choices=Meeting.Kind.choices)
    join_details = forms.CharField(
        label="How to join",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The video link, the phone number and PIN, or the street address. Shown "
        "only to members who are going, in the 24 hours before the meeting.",
    )
    capacity = forms.IntegerField(label="Places", min_value=1, max_value=500, initial=12)
    open_to_non_members = forms.BooleanField(
        required=False, label="Members of Haven outside the group may come (listed groups)"
    )
    recurrence = forms.ChoiceField(label="Repeats", choices=Meeting.Recurrence.choices)
    count = forms.IntegerField(
        label="How many meetings in the series", min_value=1, max_value=26, initial=1
    )


class RSVPForm(forms.Form):
    going = forms.TypedChoiceField(
        choices=[("yes", "Going"), ("no", "Not going")], coerce=lambda v: v == "yes"
    )


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        label="A word for those coming",
        error_messages={"required": "Please say why, for those who were coming."},
    )
    whole_series = forms.BooleanField(required=False, label="Also cancel the later meetings")


class MeetingRescheduleForm(forms.Form):
    starts_local = MeetingForm.base_fields["starts_local"]
    duration_minutes = MeetingForm.base_fields["duration_minutes"]


class MeetingNoteForm(forms.Form):
    body = forms.CharField(
        label="Session note (facilitators only)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Please write the note."},
    )
