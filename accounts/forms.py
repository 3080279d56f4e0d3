from allauth.account.forms import SignupForm
from django import forms
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils import timezone

from supportforum.forms import topics_field

from . import preferences
from .models import DigestFrequency, NotificationPreference, User
from .triggers import MUTE_WORDS_MAX, MUTE_WORDS_TEXT_MAX, parse_mute_words


class HavenSignupForm(SignupForm):
    """allauth's sign-up, asking for a handle instead of a name and recording agreement
    to the site guidelines."""

    accept_guidelines = forms.BooleanField(
        required=True,
        label="I have read and accept Haven's community guidelines",
        error_messages={"required": "Please accept the community guidelines to join Haven."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        handle = self.fields["username"]
        handle.label = "Handle (your pseudonym)"
        handle.help_text = (
            "This is the only name other members see. 3–30 letters, digits, hyphens or "
            "underscores. Please don't use your real name."
        )
        handle.widget.attrs.update({"placeholder": "e.g. quiet_harbour", "autocomplete": "off"})
        self.fields["email"].help_text = "Never shown to other members."

    def save(self, request) -> User:
        user = super().save(request)
        user.guidelines_accepted_at = timezone.now()
        user.save(update_fields=["guidelines_accepted_at"])
        return user


class ProfileForm(forms.ModelForm):
    # Longer than the column on purpose, so clean_region can explain what is wanted.
    region = forms.CharField(
        required=False,
        max_length=20,
        label="Country code (for crisis lines)",
        help_text="Two letters, e.g. GB, US, IE, AU. Used only to show the right crisis lines.",
    )

    class Meta:
        model = User
        fields = ["bio", "region", "time_zone"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3, "maxlength": 300})}
        labels = {"region": "Country code (for crisis lines)", "time_zone": "Time zone"}
        help_texts = {
            "bio": "A line or two about you, shown on your member card. Avoid details that "
            "could identify you.",
            "region": "Two letters, e.g. GB, US, IE, AU. Used only to show the right crisis lines.",
        }

    def clean_region(self) -> str:
        region = self.cleaned_data["region"].strip().upper()
        if region and not (len(region) == 2 and region.isascii() and region.isalpha()):
            raise forms.ValidationError("Use a two-letter country code such as GB or US.")
        return region


class AdminUserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("handle", "email")


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class NotificationReadForm(forms.Form):
    """Which notification to mark read (none: all of them), and where to go next."""

    notification = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    next = forms.CharField(required=False, max_length=300)


class NotificationSettingsForm(forms.Form):
    """How each kind of notification reaches the member, digest frequency, quiet hours.
    One field per kind a member may change (``kind_<value>``)."""

    digest_frequency = forms.ChoiceField(
        choices=DigestFrequency.choices,
        label="Digest e-mail",
        help_text="Sent at about 08:00 in your time zone, only when something happened.",
    )
    quiet_hours_start = forms.TimeField(
        required=False,
        label="Quiet hours start",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In your time zone. E-mails wait until quiet hours end.",
    )
    quiet_hours_end = forms.TimeField(
        required=False,
        label="Quiet hours end",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        current = preferences.deliveries_for(user)
        kwargs.setdefault(
            "initial",
            {
                "digest_frequency": user.digest_frequency,
                "quiet_hours_start": user.quiet_hours_start,
                "quiet_hours_end": user.quiet_hours_end,
                **{f"kind_{kind}": delivery for kind, delivery in current.items()},
            },
        )
        super().__init__(*args, **kwargs)
        for kind, label in preferences.configurable_kinds():
            self.fields[f"kind_{kind}"] = forms.ChoiceField(
                choices=NotificationPreference.Delivery.choices, label=label
            )

    def kind_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("kind_")]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("quiet_hours_start"), data.get("quiet_hours_end")
        if (start is None) != (end is None) and not self.errors:
            raise forms.ValidationError("Give both a start and an end for quiet hours, or neither.")
        if start is not None and start == end:
            raise forms.ValidationError("Quiet hours need a different start and end.")
        return data

    def deliveries(self) -> dict[str, str]:
        return {
            name.removeprefix("kind_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("kind_")
        }


class NotificationPauseForm(forms.Form):
    duration = forms.ChoiceField(
        choices=[("day", "Pause for a day"), ("week", "Pause for a week"), ("resume", "Resume")]
    )


class AccountEraseForm(forms.Form):
    posts = forms.ChoiceField(
        label="What should happen to your posts?",
        widget=forms.RadioSelect,
        choices=[
            (
                "keep",
                "Keep them, shown as written by “Former member”. Nobody can tell they were "
                "yours, and conversations stay whole.",
            ),
            (
                "remove",
                "Remove them. Their text is replaced by “[removed at the member's "
                "request]”; replies from others stay in place.",
            ),
        ],
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    mfa_code = forms.CharField(
        label="Code from your authenticator app",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    confirm = forms.BooleanField(
        label="I understand this cannot be undone.",
        error_messages={"required": "Please tick the box to confirm."},
    )


class ContentFiltersForm(forms.Form):
    """Trigger filters: topics to fold and private mute words (accounts.triggers)."""

    topics = topics_field(
        "Fold posts about",
        "Posts tagged with these topics are folded for you, with the topic named; you can "
        "always open one.",
    )
    mute_words = forms.CharField(
        required=False,
        max_length=MUTE_WORDS_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Mute words and phrases",
        help_text=f"One per line or separated by commas, up to {MUTE_WORDS_MAX}. Posts and "
        "thread titles containing them are folded for you. Whole words only; end one with * "
        "to match any ending (cut* also folds “cutting”). Nobody else sees this list.",
    )

    link_interstitial = forms.BooleanField(
        required=False,
        label="Show me where a link leads before I open it",
        help_text="Links to other sites in posts first show the site's name and whether "
        "Haven's facilitators have vetted it.",
    )

    def clean_mute_words(self) -> str:
        try:
            words = parse_mute_words(self.cleaned_data["mute_words"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return "\n".join(words)
