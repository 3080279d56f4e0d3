"""Watched words in posting (groups.services through moderation.screening), the admin-only
services that manage the list, and its admin pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Notification
from groups import services as group_services
from groups.models import Post, SupportGroup, Thread
from moderation import screening
from moderation.models import AuditLogEntry, Flag, ReviewItem, WatchedWord
from moderation.services.flags import flag_create
from moderation.services.words import watched_word_delete, watched_word_save
from tests.factories import make_thread

pytestmark = pytest.mark.django_db

Action = WatchedWord.Action
BLOCK_MESSAGE = "Please talk about the behaviour, not the person: no name-calling here."


@pytest.fixture(autouse=True)
def _fresh_compiled():
    screening.forget_compiled()
    yield
    screening.forget_compiled()


@pytest.fixture
def words(db) -> None:
    for word, action, extra in [
        ("scum", Action.BLOCK, {"message": BLOCK_MESSAGE}),
        ("end it all", Action.REQUIRE_APPROVAL, {}),
        ("pills", Action.FLAG, {}),
        ("darn", Action.REPLACE, {"replacement": "d**n"}),
    ]:
        WatchedWord.objects.create(word=word, action=action, **extra)
    screening.watched_words_changed()


@pytest.fixture
def thread(group, other_member) -> Thread:
    return make_thread(author=other_member, group=group, title="Sleep", body="Can't sleep.")


def _items(post: Post) -> list[tuple[str, str]]:
    """The post's watched-word items (crisis language raises its own alert beside them)."""
    items = ReviewItem.objects.filter(post=post).exclude(kind=ReviewItem.Kind.CRISIS)
    return list(items.values_list("kind", "reason"))


def _reply(author, thread: Thread, body: str) -> Post:
    return group_services.post_create(author=author, thread=thread, body=body)


# --- posting a reply ---


def test_reply_with_block_word_is_refused_with_its_message_and_nothing_saved(
    words, member, thread
) -> None:
    with pytest.raises(ValidationError) as refused:
        _reply(member, thread, "You absolute scum.")
    assert refused.value.message_dict == {"body": [BLOCK_MESSAGE]}
    assert not Post.objects.filter(author=member).exists()
    assert not ReviewItem.objects.exists()
    thread.refresh_from_db()
    assert thread.reply_count == 0


def test_reply_with_hold_word_waits_for_a_facilitator(words, member, thread) -> None:
    post = _reply(member, thread, "Some days I just want to END IT ALL.")
    assert post.state == Post.State.PENDING
    assert _items(post) == [(ReviewItem.Kind.PENDING_POST, "Watched word: “end it all”")]
    # The words are crisis language too: held, and a crisis alert goes out all the same.
    assert ReviewItem.objects.filter(post=post, kind=ReviewItem.Kind.CRISIS).exists()
    thread.refresh_from_db()
    assert thread.reply_count == 0


def test_reply_with_flag_word_is_published_and_queued_without_a_reporter(
    words, member, thread
) -> None:
    post = _reply(member, thread, "Has anyone changed pills recently?")
    assert post.state == Post.State.PUBLISHED
    item = ReviewItem.objects.get(post=post)
    assert (item.kind, item.severity, item.reason) == (
        ReviewItem.Kind.FLAGGED_POST,
        ReviewItem.Severity.LOW,
        "Watched word: “pills”",
    )
    assert item.group == thread.group and item.state == ReviewItem.State.OPEN
    assert not Flag.objects.exists()
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_reply_with_replace_word_stores_and_renders_the_replacement(words, member, thread) -> None:
    post = _reply(member, thread, "**Darn** this insomnia.")
    post.refresh_from_db()
    assert post.body == "**d**n** this insomnia."
    assert "arn" not in post.body_html.lower()
    assert post.state == Post.State.PUBLISHED
    assert not ReviewItem.objects.filter(post=post).exists()


def test_content_warning_is_screened_too(words, member, thread) -> None:
    with pytest.raises(ValidationError) as refused:
        group_services.post_create(
            author=member, thread=thread, body="Hello", content_warning="scum"
        )
    assert refused.value.message_dict == {"content_warning": [BLOCK_MESSAGE]}
    post = group_services.post_create(
        author=member, thread=thread, body="Hello", content_warning="darn meds"
    )
    assert post.content_warning == "d**n meds"


def test_pre_moderated_member_with_flag_word_gets_one_pending_item_naming_both(
    words, member, thread
) -> None:
    group = thread.group
    group.posting_policy = SupportGroup.PostingPolicy.ALL
    group.save()
    post = _reply(member, thread, "New pills today.")
    assert post.state == Post.State.PENDING
    [(kind, reason)] = _items(post)
    assert kind == ReviewItem.Kind.PENDING_POST
    assert reason.startswith("Watched word: “pills”; ")
    assert "posting policy" in reason


def test_facilitator_is_blocked_and_replaced_but_never_held_or_flagged(
    words, facilitator, thread
) -> None:
    with pytest.raises(ValidationError):
        _reply(facilitator, thread, "scum")
    post = _reply(facilitator, thread, "When you feel you want to end it all, darn it, call us.")
    assert post.state == Post.State.PUBLISHED
    assert post.body == "When you feel you want to end it all, d**n it, call us."
    flagged = _reply(facilitator, thread, "Never change pills without your doctor.")
    assert flagged.state == Post.State.PUBLISHED
    assert not ReviewItem.objects.exists()


# --- starting a thread: the title is screened too ---


def test_thread_title_with_block_word_saves_nothing(words, member, group) -> None:
    with pytest.raises(ValidationError) as refused:
        group_services.thread_create(author=member, group=group, title="Scum", body="Hello")
    assert refused.value.message_dict == {"title": [BLOCK_MESSAGE]}
    assert not Thread.objects.exists() and not Post.objects.exists()


def test_thread_body_with_block_word_saves_nothing(words, member, group) -> None:
    with pytest.raises(ValidationError) as refused:
        group_services.thread_create(author=member, group=group, title="Hi", body="scum")
    assert "body" in refused.value.message_dict
    assert not Thread.objects.exists() and not Post.objects.exists()


def test_thread_title_with_hold_word_keeps_the_thread_unlisted(words, member, group) -> None:
    thread = group_services.thread_create(
        author=member, group=group, title="I want to end it all", body="Tonight."
    )
    assert not thread.is_published
    opening = thread.posts.get()
    assert opening.state == Post.State.PENDING
    assert _items(opening) == [(ReviewItem.Kind.PENDING_POST, "Watched word: “end it all”")]


def test_thread_title_replacement_is_stored(words, member, group) -> None:
    thread = group_services.thread_create(author=member, group=group, title="Darn", body="Hi")
    assert thread.title == "d**n"


# --- editing ---


def test_edit_with_hold_word_takes_the_reply_back_to_pending_until_approved(
    words, member, other_member, thread, facilitator
) -> None:
    post = group_services.post_create(
        author=member, thread=thread, body="Thinking of you.", reply_to=thread.posts.get()
    )
    later = _reply(other_member, thread, "Me too.")
    told = Notification.objects.filter(recipient=other_member, kind=Notification.Kind.REPLY)
    assert told.count() == 1
    edited = group_services.post_edit(
        editor=member, post=post, body="Honestly I want to end it all.", content_warning=""
    )
    assert edited.state == Post.State.PENDING
    assert _items(post) == [
        (ReviewItem.Kind.PENDING_POST, "Watched word: “end it all” (in an edit)")
    ]
    thread.refresh_from_db()
    assert thread.reply_count == 1  # only "Me too." is visible now
    group_services.post_approve(actor=facilitator, post=post)
    thread.refresh_from_db()
    assert thread.reply_count == 2
    assert thread.last_post_id == later.pk  # approving the older post does not go back
    assert told.count() == 1  # the thread's author was told of this reply already
    item = ReviewItem.objects.get(post=post, kind=ReviewItem.Kind.PENDING_POST)
    assert item.state == ReviewItem.State.RESOLVED


def test_edit_with_flag_word_joins_the_members_flags_without_losing_their_score(
    words, member, other_member, thread
) -> None:
    post = _reply(member, thread, "Good night all.")
    flag_create(reporter=other_member, post=post, reason="spam")
    before = ReviewItem.objects.get(post=post)
    group_services.post_edit(editor=member, post=post, body="Doubled my pills.", content_warning="")
    item = ReviewItem.objects.get(post=post)
    assert item.pk == before.pk and item.score == before.score > 0
    assert item.reason == f"{before.reason}; Watched word: “pills” (in an edit)"
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED


def test_edit_with_block_word_changes_nothing(words, member, thread) -> None:
    post = _reply(member, thread, "Good night all.")
    with pytest.raises(ValidationError) as refused:
        group_services.post_edit(editor=member, post=post, body="scum", content_warning="")
    assert refused.value.message_dict == {"body": [BLOCK_MESSAGE]}
    post.refresh_from_db()
    assert post.body == "Good night all." and post.edited_at is None
    assert not post.revisions.exists()


def test_edit_by_facilitator_with_hold_word_stays_published(words, facilitator, thread) -> None:
    post = _reply(facilitator, thread, "Here for you.")
    group_services.post_edit(
        editor=facilitator,
        post=post,
        body="If you want to end it all, call 988.",
        content_warning="",
    )
    post.refresh_from_db()
    assert post.state == Post.State.PUBLISHED
    assert not ReviewItem.objects.exists()


# --- in the pages: the member reads the block message ---


def test_reply_page_shows_the_block_message(words, client, member, thread) -> None:
    client.force_login(member)
    url = reverse("groups:post_reply", args=[thread.pk])
    response = client.post(url, {"body": "you scum", "content_warning": ""})
    assert response.status_code == 200
    assert BLOCK_MESSAGE.replace("'", "&#x27;") in response.content.decode()
    assert not Post.objects.filter(author=member).exists()


# --- the services that manage the list ---


def test_watched_word_save_is_for_admins_only(facilitator, member) -> None:
    for actor in (facilitator, member):
        with pytest.raises(PermissionDenied):
            watched_word_save(actor=actor, word=WatchedWord(word="pills", action=Action.FLAG))
    assert not WatchedWord.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_watched_word_delete_is_for_admins_only(facilitator) -> None:
    word = WatchedWord.objects.create(word="pills", action=Action.FLAG)
    with pytest.raises(PermissionDenied):
        watched_word_delete(actor=facilitator, word=word)
    assert WatchedWord.objects.filter(pk=word.pk).exists()


def test_watched_word_save_normalises_and_audits(admin_user) -> None:
    word = watched_word_save(
        actor=admin_user, word=WatchedWord(word="  End   it**  all ", action=Action.FLAG)
    )
    assert word.word == "End it* all" and word.created_by == admin_user
    entry = AuditLogEntry.objects.get()
    assert (entry.actor, entry.action) == (admin_user, "watched_word.add")
    assert entry.details["word"]["word"] == "End it* all"
    assert entry.details["previous"] is None


def test_watched_word_change_and_delete_are_audited_with_old_values(admin_user) -> None:
    word = watched_word_save(actor=admin_user, word=WatchedWord(word="pills", action="flag"))
    word.action = Action.REQUIRE_APPROVAL
    watched_word_save(actor=admin_user, word=word)
    watched_word_delete(actor=admin_user, word=word)
    assert not WatchedWord.objects.exists()
    change, delete = AuditLogEntry.objects.filter(
        action__in=["watched_word.change", "watched_word.delete"]
    ).order_by("id")
    assert change.details["previous"]["action"] == "flag"
    assert change.details["word"]["action"] == "require_approval"
    assert delete.details["word"]["word"] == "pills"


@pytest.mark.parametrize(
    ("word", "fragment"),
    [
        ("   ", "enter a word"),
        ("***", "only wildcards"),
        ("!!", "only wildcards"),
        ("a", "too much"),
        ("ab*", "too much"),
        ("the", "everyday word “the”"),
        ("*ing", "everyday word"),
        ("fee*", "everyday word “feel”"),
        ("*self*harm", "at most one *"),
        ("a*b*c*d", "at most one *"),
    ],
)
def test_watched_word_save_refuses_empty_and_over_broad_words(admin_user, word, fragment) -> None:
    with pytest.raises(ValidationError) as refused:
        watched_word_save(actor=admin_user, word=WatchedWord(word=word, action=Action.FLAG))
    assert fragment in refused.value.message_dict["word"][0]
    assert not WatchedWord.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_watched_word_save_refuses_a_duplicate_in_any_case(admin_user) -> None:
    watched_word_save(actor=admin_user, word=WatchedWord(word="Pills", action=Action.FLAG))
    with pytest.raises(ValidationError) as refused:
        watched_word_save(actor=admin_user, word=WatchedWord(word="PILLS", action=Action.BLOCK))
    assert "already on the list" in refused.value.message_dict["word"][0]


def test_watched_word_replace_needs_a_replacement(admin_user) -> None:
    with pytest.raises(ValidationError) as refused:
        watched_word_save(actor=admin_user, word=WatchedWord(word="darn", action=Action.REPLACE))
    assert "replacement" in refused.value.message_dict


# --- admin pages ---


def test_watched_word_admin_pages_load(client, admin_user) -> None:
    word = WatchedWord.objects.create(word="pills", action=Action.FLAG)
    client.force_login(admin_user)
    for url in [
        reverse("admin:moderation_watchedword_changelist"),
        reverse("admin:moderation_watchedword_add"),
        reverse("admin:moderation_watchedword_change", args=[word.pk]),
        reverse("admin:moderation_watchedword_delete", args=[word.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_watched_word_admin_add_goes_through_the_service(
    client, admin_user, django_capture_on_commit_callbacks
) -> None:
    client.force_login(admin_user)
    url = reverse("admin:moderation_watchedword_add")
    data = {"word": "pills", "action": "flag", "replacement": "", "message": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    assert AuditLogEntry.objects.filter(action="watched_word.add", actor=admin_user).exists()
    assert screening.screen_text("pills", group=None).flag_reasons == ["Watched word: “pills”"]


def test_watched_word_admin_shows_the_services_refusal_on_the_form(client, admin_user) -> None:
    client.force_login(admin_user)
    url = reverse("admin:moderation_watchedword_add")
    response = client.post(url, {"word": "*", "action": "flag", "replacement": "", "message": ""})
    assert response.status_code == 200
    assert "only wildcards" in response.content.decode()
    response = client.post(url, {"word": "darn", "action": "replace", "replacement": ""})
    assert "Please say what to show instead" in response.content.decode()
    assert not WatchedWord.objects.exists()


def test_watched_word_admin_delete_goes_through_the_service(client, admin_user) -> None:
    word = WatchedWord.objects.create(word="pills", action=Action.FLAG)
    client.force_login(admin_user)
    url = reverse("admin:moderation_watchedword_delete", args=[word.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not WatchedWord.objects.exists()
    assert AuditLogEntry.objects.filter(action="watched_word.delete").exists()


def test_watched_word_admin_bulk_delete_goes_through_the_service(client, admin_user) -> None:
    words = [WatchedWord.objects.create(word=w, action=Action.FLAG) for w in ("pills", "razors")]
    client.force_login(admin_user)
    url = reverse("admin:moderation_watchedword_changelist")
    data = {"action": "delete_selected", "_selected_action": [w.pk for w in words], "post": "yes"}
    assert client.post(url, data).status_code == 302
    assert not WatchedWord.objects.exists()
    assert AuditLogEntry.objects.filter(action="watched_word.delete").count() == 2


def test_edit_page_says_a_held_edit_waits_for_a_facilitator(words, client, member, thread):
    post = _reply(member, thread, "Thinking of you.")
    client.force_login(member)
    response = client.post(
        reverse("groups:post_edit", args=[post.pk]),
        {"body": "I want to end it all.", "content_warning": ""},
        follow=True,
    )
    page = response.content.decode()
    assert "A facilitator will look at the post before it shows again" in page
    assert "Your changes are saved.</" not in page
