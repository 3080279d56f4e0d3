from django import forms

from ..models import Guideline


class GuidelineForm(forms.ModelForm):
    class Meta:
        model = Guideline
        fields = ["number", "title", "body"]
        labels = {"number": "Number", "title": "Rule", "body": "What it means (Markdown)"}
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "title": {"required": "Please write the rule."},
            "number": {"required": "Please number the rule."},
        }

    def validate_unique(self) -> None:
        # The service validates the whole rule (with its group) once, where it saves.
        pass
