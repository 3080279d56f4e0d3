"""Trigger filters and content warnings: the taxonomy, mute words, the gentle defaults,
and the fold everywhere a post appears (thread, group list, search, notifications,
e-mails), with the member's settings page and the facilitator's topics."""

import json
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import Notification
from accounts.triggers import (
    DEFAULT_COLLAPSED,
    MUTE_WORDS_MAX,
    ContentFilter,
    Topic,
    filter_for,
    parse_mute_words,
)
from groups import services as group_services
from moderation.services import posts as moderation_services
from tests.factories import MembershipFactory, make_thread

pytestmark = pytest.mark.django_db

BLNS = json.loads((Path(__file__).parent.parent / "corpora" / "blns.json").read_text())
SECRET_BODY = "The night I nearly gave up, the bridge looked so calm."
FOLD = '<details class="content-warning">'


# --- the pure part ---


def test_taxonomy_names_the_topics_the_issue_lists() -> None:
    labels = dict(Topic.choices)
    for topic in ("self_harm", "suicide", "eating", "abuse", "substance", "bereavement"):
        assert topic in labels
    assert labels[Topic.MEDICAL] == "Graphic medical detail"
    assert DEFAULT_COLLAPSED == ("self_harm", "suicide")


@pytest.mark.parametrize(
    ("words", "text", "muted"),
    [
        ("bridge", "the bridge looked calm", True),
        ("bridge", "The BRIDGE.", True),
        ("bridge", "bridges are calm", False),  # whole words only
        ("bridge*", "bridges are calm", True),  # unless it ends with *
        ("cut", "a cute dog", False),
        ("cut*", "I was cutting again", True),
        ("nearly gave up", "the night I nearly   gave\nup", True),  # any spacing
        ("gave up", "I never gave upon it", False),
        ("ＣＵＴ", "cut", True),  # full-width folded
        ("straße", "STRASSE", True),  # case folding, not lowering
        ("pills", "", False),
        ("", "anything", False),
    ],
)
def test_mute_words_match_whole_words_and_phrases(words, text, muted) -> None:
    content_filter = ContentFilter(frozenset(), tuple(parse_mute_words(words)))
    assert content_filter.mutes(text) is muted


def test_parse_mute_words_splits_folds_dedupes_and_refuses_bad_input() -> None:
    assert parse_mute_words("Bridge, pills\n  OVERDOSE  \nbridge\r\n,,") == [
        "bridge",
        "pills",
        "overdose",
    ]
    for bad in (
        "a",
        "!!",
        "*",
        "x" * 61,
        ", ".join(f"w{i:03d}" for i in range(MUTE_WORDS_MAX + 1)),
    ):
        with pytest.raises(ValueError, match=r"\S"):
            parse_mute_words(bad)
    assert parse_mute_words("a, bridge", strict=False) == ["bridge"]


def test_every_naughty_string_parses_or_is_refused_and_never_breaks_matching() -> None:
    for text in BLNS:
        try:
            words = parse_mute_words(text)
        except ValueError:
            words = parse_mute_words(text, strict=False)
        content_filter = ContentFilter(frozenset(), tuple(words))
        for sample in BLNS[:50]:
            content_filter.mutes(sample)  # must not raise (regex escaped)


def test_collapse_rules() -> None:
    gentle = ContentFilter(frozenset(DEFAULT_COLLAPSED))
    assert gentle.collapse(topics=["bereavement"], texts=("x",)) is None
    fold = gentle.collapse(topics=["suicide", "bereavement"], texts=("x",))
    assert fold.summary == "Content warning: Suicide, Bereavement and loss"
    written = gentle.collapse(warning="panic attack", topics=["bereavement"])
    assert written.summary == "Content warning: panic attack. Topics: Bereavement and loss"
    muted = ContentFilter(frozenset(), ("bridge",)).collapse(texts=("", "The bridge"))
    assert muted.summary == "Contains words you muted"
    assert gentle.collapse(topics=["not-a-topic"]) is None


def test_filter_for_defaults_until_the_member_chooses(member) -> None:
    anonymous = Client().get("/").wsgi_request.user
    assert filter_for(anonymous).topics == frozenset(DEFAULT_COLLAPSED)
    assert member.collapse_topics is None
    assert filter_for(member).topics == frozenset(DEFAULT_COLLAPSED)
    services.content_filters_update(user=member, topics=[], mute_words="")
    member.refresh_from_db()
    assert member.collapse_topics == [] and filter_for(member).topics == frozenset()


# --- authors and facilitators tag topics ---


@pytest.fixture
def tagged(other_member, group):
    """A thread by other_member whose opening post is tagged "suicide"."""
    thread = group_services.thread_create(
        author=other_member,
        group=group,
        title="A hard night",
        body=SECRET_BODY,
        content_topics=["suicide"],
    )
    return thread.posts.get(is_opening=True)


def test_authors_tag_topics_on_new_threads_replies_and_edits(client, member, group) -> None:
    client.force_login(member)
    response = client.post(
        reverse("groups:thread_create", args=[group.slug]),
        {"title": "Grief", "body": "Mum died in spring.", "content_topics": ["bereavement"]},
    )
    assert response.status_code == 302
    post = member.posts.get()
    assert post.content_topics == ["bereavement"]
    client.post(
        reverse("groups:post_edit", args=[post.pk]),
        {"body": "Mum died in spring.", "content_topics": ["suicide", "bereavement"]},
    )
    post.refresh_from_db()
    assert post.content_topics == ["suicide", "bereavement"]  # taxonomy order
    assert post.revisions.get().content_topics == ["bereavement"]


def test_unknown_topics_are_refused_with_a_message_and_nothing_saved(client, member, group):
    client.force_login(member)
    response = client.post(
        reverse("groups:thread_create", args=[group.slug]),
        {"title": "T", "body": "B", "content_topics": ["<script>", "suicide"]},
    )
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode() or (
        "Please choose topics from the list." in response.content.decode()
    )
    assert not member.posts.exists()
    with pytest.raises(ValidationError):
        group_services.thread_create(
            author=member, group=group, title="T", body="B", content_topics=["nope"]
        )


def test_facilitator_adds_topics_and_the_author_is_told(tagged, facilitator, other_member):
    moderation_services.content_warning_set(
        actor=facilitator, post=tagged, content_warning="", content_topics=["abuse", "suicide"]
    )
    tagged.refresh_from_db()
    assert tagged.content_topics == ["suicide", "abuse"] and tagged.content_warning == ""
    notice = Notification.objects.get(recipient=other_member, kind="content_warning")
    assert "“Suicide, Abuse”" in notice.message
    with pytest.raises(ValidationError):
        moderation_services.content_warning_set(
            actor=facilitator, post=tagged, content_warning="", content_topics=[]
        )


# --- the fold, everywhere the post appears ---


def _thread_page(client, post) -> str:
    return client.get(post.thread.get_absolute_url()).content.decode()


@pytest.mark.embedded
def test_defaults_fold_suicide_for_a_new_member_and_a_visitor(client, member, tagged) -> None:
    assert FOLD + "\n        <summary>Content warning: Suicide. Show post</summary>" in (
        _thread_page(Client(), tagged)
    )
    client.force_login(member)
    page = _thread_page(client, tagged)
    assert "<summary>Content warning: Suicide. Show post</summary>" in page
    assert SECRET_BODY in page  # folded, not removed: one click opens it


def test_a_member_who_unticks_suicide_sees_the_post_open_with_its_topic(
    client, member, tagged
) -> None:
    services.content_filters_update(user=member, topics=["eating"], mute_words="")
    client.force_login(member)
    page = _thread_page(client, tagged)
    assert "Content warning: Suicide. Show post" not in page
    assert '<p class="meta post-topics">Topics: Suicide</p>' in page


@pytest.mark.embedded
def test_mute_words_fold_posts_and_titles(client, member, other_member, group) -> None:
    thread = make_thread(author=other_member, group=group, title="About the bridge", body="hi")
    reply = group_services.post_create(author=other_member, thread=thread, body="pills again")
    services.content_filters_update(user=member, topics=[], mute_words="bridge\npills")
    client.force_login(member)
    page = _thread_page(client, reply)
    assert page.count("Contains words you muted. Show post") == 2  # title of the opening, reply
    assert '<h1 class="thread-heading">A thread folded for you</h1>' in page
    assert "<title>A thread folded for you" in page
    listing = client.get(group.get_absolute_url()).content.decode()
    assert "A thread folded for you. Contains words you muted. Show title" in listing


@pytest.mark.embedded
def test_the_group_list_folds_threads_by_their_opening_topics(client, member, group, tagged):
    client.force_login(member)
    listing = client.get(group.get_absolute_url()).content.decode()
    assert "A thread folded for you. Content warning: Suicide. Show title" in listing


def test_own_posts_are_not_folded_by_ones_own_filters(client, other_member, tagged) -> None:
    client.force_login(other_member)
    page = _thread_page(client, tagged)
    assert "Content warning: Suicide. Show post" not in page
    assert "Topics: Suicide" in page


def test_a_written_warning_folds_for_everyone_with_the_topics_named(
    client, member, other_member, group
) -> None:
    services.content_filters_update(user=member, topics=[], mute_words="")
    thread = group_services.thread_create(
        author=other_member,
        group=group,
        title="Hospital",
        body="The wound",
        content_warning="injury detail",
        content_topics=["medical"],
    )
    client.force_login(member)
    page = _thread_page(client, thread.posts.get())
    assert "Content warning: injury detail. Topics: Graphic medical detail. Show post" in page


@pytest.mark.embedded
def test_search_results_fold_by_topic_and_mute_word(client, member, other_member, group, tagged):
    make_thread(author=other_member, group=group, title="Evening calm", body="The bridge calm")
    client.force_login(member)
    page = client.get(reverse("groups:search"), {"q": "calm"}).content.decode()
    assert "Content warning: Suicide. Open the post to read it." in page
    assert SECRET_BODY[:20] not in page  # no snippet of a folded post
    services.content_filters_update(user=member, topics=[], mute_words="bridge")
    page = client.get(reverse("groups:search"), {"q": "calm"}).content.decode()
    assert "Contains words you muted. Open the post to read it." in page
    assert "bridge" not in page.split('id="results-heading"')[1].lower()


def _reply_to(member, group, title: str, topics: list[str]) -> None:
    """Someone answers a thread of ``member``'s with a post tagged ``topics``."""
    thread = make_thread(author=member, group=group, title=title)
    author = MembershipFactory(group=group).user
    group_services.post_create(
        author=author, thread=thread, body="Still here", content_topics=topics
    )


@pytest.mark.embedded
def test_notifications_fold_like_the_post(client, member, group) -> None:
    _reply_to(member, group, "Evenings", ["self_harm"])
    notice = Notification.objects.get(recipient=member, kind="reply")
    client.force_login(member)
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert "<summary>Content warning: Self-harm. Show</summary>" in page
    services.content_filters_update(user=member, topics=[], mute_words="evenings")
    page = client.get(reverse("accounts:notifications")).content.decode()
    # Folded by the title now; the topics are still named.
    assert "<summary>Content warning: Self-harm. Contains words you muted. Show</summary>" in page
    assert notice.message in page  # behind the fold, not lost


def test_notification_emails_leave_out_the_title_of_a_folded_post(member, group) -> None:
    _reply_to(member, group, "Evenings by the water", ["suicide"])
    notice = Notification.objects.get(recipient=member, kind="reply")
    mail.outbox.clear()
    services.notification_email_send(notification_id=notice.pk)
    (message,) = mail.outbox
    assert "Evenings by the water" not in message.body
    assert "folded for you: Content warning: Suicide" in message.body


# --- the settings page ---


@pytest.mark.embedded
def test_settings_page_shows_defaults_and_saves_a_choice(client, member) -> None:
    client.force_login(member)
    url = reverse("accounts:content_filters")
    page = client.get(url).content.decode()
    assert "Until you choose, posts about self-harm and suicide are folded for you." in page
    assert 'value="suicide" id="id_topics_1" checked' in page
    response = client.post(url, {"topics": ["eating"], "mute_words": "Bridge, pills"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.collapse_topics == ["eating"]
    assert member.mute_words == "bridge\npills"
    page = client.get(url).content.decode()
    assert "Until you choose" not in page


def test_settings_page_refuses_bad_input_and_changes_nothing(client, member) -> None:
    client.force_login(member)
    url = reverse("accounts:content_filters")
    for data in (
        {"topics": ["nope"], "mute_words": ""},
        {"topics": [], "mute_words": "x"},
        {"topics": [], "mute_words": "y" * 5000},
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "Nothing was changed" in response.content.decode()
    member.refresh_from_db()
    assert member.collapse_topics is None and member.mute_words == ""


def test_settings_page_needs_sign_in(client) -> None:
    response = client.get(reverse("accounts:content_filters"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_filters_are_in_the_members_export(member) -> None:
    services.content_filters_update(user=member, topics=["abuse"], mute_words="bridge")
    export = services.export_request(user=member)
    services.export_build(export_id=export.pk)
    export.refresh_from_db()
    data = json.loads(export.payload)
    text = json.dumps(data)
    assert '"collapse_topics": ["abuse"]' in text and '"mute_words": ["bridge"]' in text
