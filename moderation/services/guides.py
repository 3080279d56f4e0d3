"""Guide pages admins maintain (the digital-literacy guide): rendered and audited."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from groups import policies as group_policies
from groups.rendering import render_markdown

from ..models import GuidePage
from .audit import audit_record

_HEADING = re.compile(r"<(/?)h([3-6])>")


def guide_html(body: str) -> str:
    """The Markdown rendered and sanitised as members' posts are, with headings raised one
    level: member headings start at h3, but a guide's sections sit right under its h1."""
    return _HEADING.sub(lambda m: f"<{m[1]}h{int(m[2]) - 1}>", render_markdown(body))


@transaction.atomic
def guide_page_save(*, page: GuidePage, actor: User) -> GuidePage:
    """Save an admin's edit of a guide page (admins only). Audited without the text."""
    if not group_policies.is_admin(actor):
        raise ValidationError("Only admins can edit guide pages.")
    page.title = page.title.replace("\x00", "").strip()
    page.body = page.body.replace("\x00", "").strip()
    if not page.title or not page.body:
        raise ValidationError("A guide needs a title and some text.")
    page.body_html = guide_html(page.body)
    page.updated_at = timezone.now()
    page.updated_by = actor
    page.full_clean()
    page.save()
    audit_record(actor=actor, action="guide.saved", details={"slug": page.slug})
    return page
