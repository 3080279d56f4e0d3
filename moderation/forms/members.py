from django import forms

from ..services.reveal import REASON_MAX, REASON_MIN


class _NulFreeCharField(forms.CharField):
    """NUL characters are dropped before stripping and the length checks, as the services
    store text, rather than refused."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\x00", "")
        return super().to_python(value)


class EmailRevealForm(forms.Form):
    """Why an admin needs to see a member's e-mail address: the reason goes to the audit
    log (the address never does)."""

    reason = _NulFreeCharField(
        label="Why you need the address",
        min_length=REASON_MIN,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded in the audit log under your name. The address is shown once, "
        "on the next page, and kept nowhere else.",
        error_messages={
            "required": "Give the reason you need the address.",
            "min_length": f"Give a reason of at least {REASON_MIN} characters.",
            "max_length": f"Keep the reason to at most {REASON_MAX} characters "
            "(it has %(show_value)d).",
        },
    )
