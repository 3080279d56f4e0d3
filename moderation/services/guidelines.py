from django.db import transaction
from django.utils import timezone

from groups.rendering import render_markdown

from ..models import Guideline


@transaction.atomic
def guideline_save(*, guideline: Guideline) -> Guideline:
    """Create or update a rule (admin). Renders its Markdown once, here."""
    guideline.body_html = render_markdown(guideline.body)
    guideline.updated_at = timezone.now()
    guideline.full_clean()
    guideline.save()
    return guideline
