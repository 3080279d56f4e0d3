"""The digital-literacy guide: seeded by a migration, public, maintained by admins in the
Django admin (rendered, sanitised, audited), linked from the resources library and from
facilitator notes that correct misinformation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from moderation.models import DIGITAL_LITERACY_SLUG, AuditLogEntry, GuidePage
from moderation.services import facilitator_notes
from moderation.services.guides import guide_html, guide_page_save
from tests.factories import make_thread

pytestmark = pytest.mark.django_db

GUIDE_URL = reverse("moderation:guide", args=[DIGITAL_LITERACY_SLUG])
GUIDE_LINK = f'<a href="{GUIDE_URL}">How to judge health information you read online</a>'


@pytest.mark.embedded
def test_the_guide_is_there_for_everyone_from_the_start(client) -> None:
    response = client.get(GUIDE_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>How to judge health information you read online</h1>" in page
    for section in (
        "1. Who wrote it?",
        "2. What is it based on?",
        "3. When was it written?",
        "4. Who gains if you believe it?",
        "When to check with a professional",
    ):
        assert f"<h2>{section}</h2>" in page  # right under the h1, no level skipped
    assert "<h3>" not in page.split("<h1>")[1].split("</article>")[0]


def test_unknown_guide_is_404(client) -> None:
    assert client.get(reverse("moderation:guide", args=["nope"])).status_code == 404


def test_the_resources_library_links_the_guide(client) -> None:
    page = client.get(reverse("moderation:resource_library")).content.decode()
    assert f'<a href="{GUIDE_URL}">How to judge health information you read online</a>' in page


def test_guide_html_raises_headings_and_sanitises() -> None:
    html = guide_html("# Title\n\n## Sub\n\n<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<h2>Title</h2>" in html and "<h3>Sub</h3>" in html
    assert "<script" not in html and "&lt;script&gt;" in html  # shown as text, inert
    assert "href" not in html  # a javascript: link is not made a link


def test_admins_edit_the_guide_and_it_is_audited(admin_user, member) -> None:
    page = GuidePage.objects.get(slug=DIGITAL_LITERACY_SLUG)
    page.body = "# Ask who wrote it\n\nAnd **when**."
    guide_page_save(page=page, actor=admin_user)
    page.refresh_from_db()
    assert "<h2>Ask who wrote it</h2>" in page.body_html and page.updated_by == admin_user
    entry = AuditLogEntry.objects.get(action="guide.saved")
    assert entry.details == {"slug": DIGITAL_LITERACY_SLUG}
    page.body = "Vandalised"
    with pytest.raises(ValidationError):
        guide_page_save(page=page, actor=member)
    page.body = "  \x00 "
    with pytest.raises(ValidationError):
        guide_page_save(page=page, actor=admin_user)
    page.refresh_from_db()
    assert "Ask who wrote it" in page.body


def test_admin_change_form_saves_through_the_service(admin_client_mfa) -> None:
    page = GuidePage.objects.get(slug=DIGITAL_LITERACY_SLUG)
    url = reverse("admin:moderation_guidepage_change", args=[page.pk])
    response = admin_client_mfa.post(
        url,
        {"title": page.title, "slug": page.slug, "summary": "", "body": "# New\n\ntext"},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    page.refresh_from_db()
    assert page.body_html.startswith("<h2>New</h2>")


def test_notes_about_misinformation_link_the_guide(client, group, member, facilitator) -> None:
    thread = make_thread(author=member, group=group, title="Meds")
    post = thread.posts.get()
    facilitator_notes.facilitator_note_add(
        actor=facilitator, post=post, body="Please talk to your GP before stopping."
    )
    page = client.get(thread.get_absolute_url()).content.decode()
    assert GUIDE_LINK in page
    facilitator_notes.facilitator_note_delete(actor=facilitator, note=post.facilitator_notes.get())
    facilitator_notes.facilitator_note_add(
        actor=facilitator, post=post, body="Welcome, glad you're here.", about_misinformation=False
    )
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Welcome, glad you" in page and GUIDE_LINK not in page
