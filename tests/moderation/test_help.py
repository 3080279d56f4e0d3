""" "I need help now", the private request to talk to a facilitator, the crisis panel a
member sees after posting crisis language, and the check of a draft (which stores and
logs nothing of what it reads)."""

import logging

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups import services as group_services
from groups.models import Post, SupportGroup
from moderation.models import CrisisAlert, ReviewItem
from moderation.views import help as help_views
from tests.factories import (
    CALM_TEXT,
    CRISIS_TEXT,
    IMMINENT_TEXT,
    GroupFactory,
    MembershipFactory,
    make_thread,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_lexicon")]

CRISIS, IMMINENT, CALM = CRISIS_TEXT, IMMINENT_TEXT, CALM_TEXT
SECRET_DRAFT = "ZEBRA-7731 nobody would miss me, I want to kill myself"


@pytest.fixture
def member_client(client, member):
    member.region = "GB"
    member.save(update_fields=["region"])
    client.force_login(member)
    return client


def _help_alerts(member):
    return CrisisAlert.objects.filter(source=CrisisAlert.Source.HELP_REQUEST, subject=member)


# --- the help page ---


def test_help_page_signed_out_shows_fallback_and_no_request_form(client) -> None:
    response = client.get(reverse("moderation:help"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "112 in most of Europe, 911 in North America, 999 in the UK, 000 in Australia" in html
    assert "https://findahelpline.com" in html
    assert "Sign in</a> to ask" in html
    assert reverse("moderation:help_talk") not in html


def test_help_page_region_picker_shows_another_countrys_lines(client) -> None:
    response = client.get(reverse("moderation:help"), {"region": "AU"})
    html = response.content.decode()
    assert "Lifeline" in html and 'href="tel:131114"' in html
    assert "last checked" in html
    assert '<option value="AU" selected>Australia</option>' in html


def test_help_page_bad_region_is_ignored(member_client) -> None:
    response = member_client.get(reverse("moderation:help"), {"region": "<script>"})
    assert response.status_code == 200
    assert "Samaritans" in response.content.decode()  # the member's own region


def test_help_page_signed_in_shows_their_lines_and_the_offer(member_client, group) -> None:
    html = member_client.get(reverse("moderation:help")).content.decode()
    assert "Crisis lines: United Kingdom" in html
    assert 'href="tel:116123"' in html
    assert "Ask a facilitator to contact me" in html
    assert f'<option value="{group.pk}">{group.name}</option>'.replace("&", "&amp;") in html


def test_help_page_region_without_lines_falls_back(member_client) -> None:
    html = member_client.get(reverse("moderation:help"), {"region": "BR"}).content.decode()
    assert "We don't yet have a crisis line we have checked for Brazil" in html
    assert "findahelpline.com" in html


def test_help_link_is_on_every_page(client, member_client, group) -> None:
    for c, url in [
        (client, reverse("groups:directory")),
        (member_client, group.get_absolute_url()),
    ]:
        html = c.get(url).content.decode()
        assert f'<a class="help-link" href="{reverse("moderation:help")}">I need help now</a>' in (
            html
        )


# --- asking to talk to a facilitator ---


def test_help_talk_opens_one_alert_and_confirms(
    member_client, member, group, django_capture_on_commit_callbacks
) -> None:
    url = reverse("moderation:help_talk")
    with django_capture_on_commit_callbacks() as callbacks:
        response = member_client.post(url, {"group": group.pk, "message": "Rough night"})
    assert response.status_code == 302 and response["Location"] == reverse("moderation:help")
    alert = _help_alerts(member).get()
    assert alert.severity == CrisisAlert.Severity.HIGH
    assert alert.group == group and alert.findings == {"message": "Rough night"}
    assert alert.review_item.kind == ReviewItem.Kind.CRISIS
    assert callbacks, "delivery is dispatched after commit"
    page = member_client.get(reverse("moderation:help")).content.decode()
    assert "A facilitator will contact you privately" in page
    assert "not an emergency service" in page

    # Asking again (a double click, a reload) confirms without paging anyone twice.
    again = member_client.post(url, {"group": group.pk})
    assert again.status_code == 302
    assert _help_alerts(member).count() == 1
    page = member_client.get(reverse("moderation:help")).content.decode()
    assert "A facilitator will contact you privately" in page


def test_help_talk_after_resolution_can_ask_again(member_client, member) -> None:
    member_client.post(reverse("moderation:help_talk"), {})
    first = _help_alerts(member).get()
    assert first.group is None  # no group chosen: Haven's admins
    first.state = CrisisAlert.State.RESOLVED
    first.save()
    member_client.post(reverse("moderation:help_talk"), {})
    assert _help_alerts(member).count() == 2


def test_help_page_says_already_asked_while_open(member_client, member) -> None:
    member_client.post(reverse("moderation:help_talk"), {})
    member_client.get(reverse("moderation:help"))  # the confirmation, once
    html = member_client.get(reverse("moderation:help")).content.decode()
    assert "You've already asked" in html
    assert "Ask a facilitator to contact me" not in html


def test_help_talk_refuses_a_group_they_are_not_in(member_client, member) -> None:
    elsewhere = GroupFactory(name="Elsewhere")
    response = member_client.post(reverse("moderation:help_talk"), {"group": elsewhere.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not _help_alerts(member).exists()


def test_help_talk_imminent_message_raises_imminent(member_client, member) -> None:
    member_client.post(reverse("moderation:help_talk"), {"message": IMMINENT})
    assert _help_alerts(member).get().severity == CrisisAlert.Severity.IMMINENT


def test_help_talk_with_htmx_answers_in_place(member_client, member) -> None:
    response = member_client.post(reverse("moderation:help_talk"), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "A facilitator will contact you privately" in html and "<html" not in html


def test_help_talk_requires_sign_in_and_post(member_client) -> None:
    from django.test import Client

    url = reverse("moderation:help_talk")
    response = Client().post(url, {})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not CrisisAlert.objects.exists()
    assert member_client.get(url).status_code == 405


# --- the panel after posting ---


def _thread(group, author):
    return make_thread(author=author, group=group, title="Checking in")


def test_reply_with_crisis_language_shows_panel_once_to_the_poster(
    member_client, member, other_member, group, client
) -> None:
    thread = _thread(group, other_member)
    response = member_client.post(
        reverse("groups:post_reply", args=[thread.pk]), {"body": CRISIS}, follow=True
    )
    html = response.content.decode()
    assert 'id="crisis-panel"' in html
    assert "Samaritans" in html and 'href="tel:116123"' in html
    assert f'name="group" value="{group.pk}"' in html  # the offer to talk, to this group
    post = Post.objects.get(body=CRISIS)
    assert CrisisAlert.objects.filter(post=post, source="detected").exists()
    # Once: reloading the thread does not show it again.
    again = member_client.get(thread.get_absolute_url()).content.decode()
    assert 'id="crisis-panel"' not in again


def test_panel_is_never_shown_to_other_readers(member_client, other_member, group, client) -> None:
    thread = _thread(group, other_member)
    member_client.post(reverse("groups:post_reply", args=[thread.pk]), {"body": CRISIS})
    client.force_login(other_member)
    assert 'id="crisis-panel"' not in client.get(thread.get_absolute_url()).content.decode()


def test_calm_reply_shows_no_panel(member_client, other_member, group) -> None:
    thread = _thread(group, other_member)
    response = member_client.post(
        reverse("groups:post_reply", args=[thread.pk]), {"body": CALM}, follow=True
    )
    assert 'id="crisis-panel"' not in response.content.decode()


def test_new_thread_with_crisis_language_shows_panel(member_client, group) -> None:
    response = member_client.post(
        reverse("groups:thread_create", args=[group.slug]),
        {"title": "Tonight", "body": IMMINENT},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="crisis-panel"' in html
    assert "Samaritans" in html


def test_held_post_with_crisis_language_still_shows_panel(member_client, member) -> None:
    group = GroupFactory(name="Held", posting_policy=SupportGroup.PostingPolicy.ALL)
    author = MembershipFactory(group=group, role="facilitator").user  # not held
    MembershipFactory(group=group, user=member)
    thread = _thread(group, author)
    response = member_client.post(
        reverse("groups:post_reply", args=[thread.pk]), {"body": CRISIS}, follow=True
    )
    assert Post.objects.get(body=CRISIS).state == Post.State.PENDING
    assert 'id="crisis-panel"' in response.content.decode()


def test_edit_into_crisis_language_shows_panel(member_client, member, other_member, group):
    thread = _thread(group, other_member)
    post = group_services.post_create(author=member, thread=thread, body="Fine, thanks.")
    response = member_client.post(
        reverse("groups:post_edit", args=[post.pk]),
        {"body": CRISIS, "content_warning": ""},
        follow=True,
    )
    assert 'id="crisis-panel"' in response.content.decode()


def test_member_without_region_sees_fallback_in_panel(client, member, other_member, group):
    client.force_login(member)
    thread = _thread(group, other_member)
    response = client.post(
        reverse("groups:post_reply", args=[thread.pk]), {"body": CRISIS}, follow=True
    )
    html = response.content.decode()
    assert 'id="crisis-panel"' in html and "findahelpline.com" in html and "999 in the UK" in html


# --- the draft check ---


def _check(c, **data):
    return c.post(reverse("moderation:draft_check"), data, HTTP_HX_REQUEST="true")


def test_draft_check_returns_panel_for_crisis_language(member_client, group) -> None:
    response = _check(member_client, body=CRISIS, group=group.pk)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="crisis-panel"' in html and "Samaritans" in html and "<html" not in html
    assert f'name="group" value="{group.pk}"' in html
    assert "Cache-Control" in response and "no-store" in response["Cache-Control"]


def test_draft_check_reads_the_title_too(member_client) -> None:
    assert 'id="crisis-panel"' in _check(member_client, title=CRISIS, body="").content.decode()


@pytest.mark.parametrize("body", [CALM, "", "   "])
def test_draft_check_returns_empty_fragment_otherwise(member_client, body) -> None:
    response = _check(member_client, body=body)
    assert response.status_code == 200 and response.content == b""


def test_draft_check_notes_personal_information_without_crisis_language(
    member_client, group
) -> None:
    html = _check(member_client, body="text me on 07700 900123", group=group.pk).content.decode()
    assert "Your draft seems to include a phone number." in html
    assert 'id="crisis-panel"' not in html
    both = _check(member_client, body=f"{CRISIS} 07700 900123", group=group.pk).content.decode()
    assert 'id="crisis-panel"' in both and "Your draft seems" not in both  # crisis first


def test_draft_check_ignores_a_group_they_are_not_in(member_client) -> None:
    elsewhere = GroupFactory(name="Elsewhere")
    html = _check(member_client, body=CRISIS, group=elsewhere.pk).content.decode()
    assert 'id="crisis-panel"' in html and f'value="{elsewhere.pk}"' not in html


def test_draft_check_stores_and_logs_nothing(member_client, caplog, monkeypatch) -> None:
    cached: list[str] = []
    backend = type(caches["default"])
    for name in ("set", "add", "set_many"):
        original = getattr(backend, name)

        def spy(self, *args, _original=original, **kwargs):
            cached.append(repr(args) + repr(kwargs))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(backend, name, spy)
    caplog.set_level(logging.DEBUG)
    rows_before = _row_counts()
    with CaptureQueriesContext(connection) as queries:
        response = _check(member_client, body=SECRET_DRAFT, title="ZEBRA-7731 title")
    assert 'id="crisis-panel"' in response.content.decode()
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert not any("ZEBRA-7731" in q["sql"] for q in queries.captured_queries)
    assert _row_counts() == rows_before
    assert any("draft-check" in entry for entry in cached), "the spy saw the rate counter"
    assert not any("ZEBRA-7731" in entry for entry in cached)
    for record in caplog.records:
        assert "ZEBRA-7731" not in record.getMessage()
        assert "ZEBRA-7731" not in repr(record.__dict__)


def _row_counts() -> tuple:
    from django.apps import apps

    return tuple(model.objects.count() for model in apps.get_models() if model._meta.managed)


def test_draft_check_query_count_is_fixed(member_client, django_assert_num_queries) -> None:
    _check(member_client, body=CALM)  # warm the lexicon
    # The user and the member's crisis lines; nothing else (the session is read from Redis).
    with django_assert_num_queries(2):
        _check(member_client, body=CRISIS)


def test_draft_check_caps_long_drafts_gracefully(member_client) -> None:
    padding = "Just writing about my week and the weather. " * 1200  # ~54,000 characters
    response = _check(member_client, body=padding + CRISIS)
    assert response.status_code == 200 and 'id="crisis-panel"' in response.content.decode()
    huge = _check(member_client, body="a" * 1_000_000)
    assert huge.status_code == 200 and huge.content == b""


def test_draft_check_is_rate_limited_lightly(member_client, monkeypatch) -> None:
    monkeypatch.setattr(help_views, "DRAFT_CHECKS_PER_MINUTE", 2)
    assert _check(member_client, body=CALM).status_code == 200
    assert _check(member_client, body=CALM).status_code == 200
    assert _check(member_client, body=CRISIS).status_code == 429


def test_draft_check_requires_sign_in_post_and_csrf(client, member) -> None:
    url = reverse("moderation:draft_check")
    response = client.post(url, {"body": CRISIS})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(member)
    assert client.get(url).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(url, {"body": CRISIS}).status_code == 403


def test_draft_check_form_is_wired_on_the_reply_and_thread_forms(member_client, group) -> None:
    thread = make_thread(author=MembershipFactory(group=group).user, group=group)
    for url in (
        thread.get_absolute_url(),
        reverse("groups:post_reply", args=[thread.pk]),
        reverse("groups:thread_create", args=[group.slug]),
    ):
        html = member_client.get(url).content.decode()
        assert f'hx-post="{reverse("moderation:draft_check")}"' in html, url
        assert 'hx-trigger="input changed delay:1s"' in html, url
        assert 'id="crisis-draft-slot"' in html, url
