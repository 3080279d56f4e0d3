from django import forms
from django.core.validators import RegexValidator, URLValidator
from django.db.models import QuerySet
from django.utils import timezone

from groups.models import SupportGroup

from ..models import Resource
from ..services.resources import REVIEW_PERIOD

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResourceForm(forms.Form):
    title = forms.CharField(max_length=150, label="Name")
    url = forms.URLField(
        max_length=500,
        label="Web address",
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={"invalid": "Please give a web address starting with https://."},
    )
    kind = forms.ChoiceField(choices=Resource.Kind.choices, label="Kind of resource")
    region = forms.CharField(
        max_length=2,
        required=False,
        label="Country (optional)",
        help_text="Two-letter code such as GB or US. Leave empty if it helps people anywhere.",
        validators=[
            RegexValidator(
                r"^[A-Za-z]{2}$", "Use a two-letter country code such as GB, or leave it empty."
            )
        ],
    )
    description = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What it offers",
        help_text="Who it is for, when it is open, what to expect.",
    )

    def clean_region(self) -> str:
        return self.cleaned_data["region"].strip().upper()


class ResourceCreateForm(ResourceForm):
    review_by = forms.DateField(
        required=False,
        widget=DATE_INPUT,
        label="Check again by",
        help_text="Empty: one year from today.",
    )


class SuggestForm(ResourceForm):
    description = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why it helps (optional)",
        help_text="A facilitator reads this when they check the resource.",
    )
    suggested_for = forms.ModelChoiceField(
        queryset=SupportGroup.objects.none(),
        required=False,
        empty_label="Haven as a whole",
        label="Which group is it for? (optional)",
        help_text="That group's facilitators will check it first.",
    )

    def __init__(self, *args, groups: QuerySet[SupportGroup], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suggested_for"].queryset = groups


class VetForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve: it is sound"), ("reject", "Do not publish")],
        widget=forms.RadioSelect,
        label="Your decision",
        error_messages={"required": "Please choose approve or do not publish."},
    )
    review_by = forms.DateField(
        required=False,
        widget=DATE_INPUT,
        label="Check again by",
        help_text="When approving. Empty: one year from today.",
    )
    reason = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason (needed when not publishing)",
        help_text="The member who suggested it reads this.",
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"review_by": timezone.localdate() + REVIEW_PERIOD})
        super().__init__(*args, **kwargs)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Please say why, so the person who suggested it knows.")
        return data


class PinForm(forms.Form):
    resource = forms.ModelChoiceField(
        queryset=Resource.objects.none(),
        label="Vetted resource to pin",
        empty_label="Choose a resource",
        error_messages={
            "required": "Please choose a resource.",
            "invalid_choice": "Please choose a vetted resource from the list.",
        },
    )

    def __init__(self, *args, choices: QuerySet[Resource], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = choices
        self.fields["resource"].label_from_instance = lambda r: (
            f"{r.title} ({r.get_kind_display()}{', ' + r.region if r.region else ''})"
        )


class PinTargetForm(forms.Form):
    """Where the pin page points: ``?group=<slug>`` or ``?thread=<id>``."""

    group = forms.SlugField(required=False)
    thread = forms.IntegerField(required=False, min_value=1)

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("group")) == bool(data.get("thread")):
            raise forms.ValidationError("Choose a group or a thread.")
        return data


class LibraryFilterForm(forms.Form):
    q = forms.CharField(max_length=100, required=False, label="Search")
    kind = forms.ChoiceField(
        choices=[("", "All kinds"), *Resource.Kind.choices], required=False, label="Kind"
    )
    region = forms.CharField(max_length=2, required=False, label="Country")
