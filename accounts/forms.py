from allauth.account.forms import SignupForm
from django import forms
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils import timezone

from .models import User


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
