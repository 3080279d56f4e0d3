"""Watched-word matching (moderation.screening): boundaries, case, wildcards, phrases,
Unicode, odd input, which outcome wins, and the per-process cache."""

import json
from pathlib import Path

import pytest
from django.core.cache import cache

from moderation import hotreload, screening
from moderation.models import WatchedWord
from moderation.screening import screen_text
from moderation.services.words import watched_word_delete, watched_word_save

pytestmark = [pytest.mark.django_db, pytest.mark.embedded]

BLNS = json.loads((Path(__file__).resolve().parents[1] / "corpora" / "blns.json").read_text())
Action = WatchedWord.Action


@pytest.fixture(autouse=True)
def _fresh_compiled():
    screening.forget_compiled()
    yield
    screening.forget_compiled()


def watch(word: str, action: str = Action.FLAG, **fields) -> WatchedWord:
    """Put a word on the list directly and tell every process, as the services do."""
    row = WatchedWord.objects.create(word=word, action=action, **fields)
    screening.watched_words_changed()
    return row


def found(text: str) -> list[str]:
    return screen_text(text, group=None).matches


# --- boundaries and case ---


@pytest.mark.parametrize("text", ["ass", "You ASS!", "(ass)", "an ass.", "**ass**", "ass\nhat"])
def test_screen_text_matches_whole_word_in_any_case(text) -> None:
    watch("ass", Action.BLOCK)
    assert found(text) == ["ass"]


@pytest.mark.parametrize(
    "text", ["class", "assistance", "bass", "Assam", "ass_hat", "ass1", "glassé", "naïveass"]
)
def test_screen_text_ignores_word_inside_other_words(text) -> None:
    watch("ass", Action.BLOCK)
    result = screen_text(text, group=None)
    assert result.matches == []
    assert result.blocked_message is None


def test_screen_text_boundaries_are_unicode_aware() -> None:
    watch("дурак", Action.FLAG)
    watch("ΒΛΑΚΑΣ", Action.FLAG)
    assert found("Ты ДУРАК!") == ["дурак"]
    assert found("дураки") == []  # a longer Cyrillic word, not the watched one
    assert found("είσαι βλακας") == ["ΒΛΑΚΑΣ"]  # final sigma folds like a capital
    assert found("Kassel") == []


def test_screen_text_matches_through_look_alike_and_invisible_characters() -> None:
    watch("kill myself", Action.REQUIRE_APPROVAL)
    assert found("ｋｉｌｌ myself") == ["kill myself"]  # full-width letters
    assert found("kil\u200bl my\u00adself") == ["kill myself"]  # zero-width space, soft hyphen
    assert found("𝐤𝐢𝐥𝐥 myself") == ["kill myself"]  # mathematical bold


# --- wildcards and phrases ---


def test_screen_text_wildcard_matches_a_run_of_word_characters() -> None:
    watch("self*harm", Action.FLAG)
    watch("*phobe", Action.FLAG)
    watch("idiot*", Action.FLAG)
    assert found("selfharm") == ["self*harm"]
    assert found("selfishharm") == ["self*harm"]
    assert found("a homophobe") == ["*phobe"]
    assert found("idiots and idiotic") == ["idiot*"]
    assert found("self harm") == []  # a wildcard never crosses a space
    assert found("phobia") == []
    assert found("myselfharm") == []  # still anchored at the word's start


def test_screen_text_phrase_matches_across_any_whitespace() -> None:
    watch("kill myself", Action.REQUIRE_APPROVAL)
    for text in ["kill myself", "KILL   myself", "kill\nmyself", "kill\t \r\nMyself."]:
        assert found(text) == ["kill myself"], text
    for text in ["skill myself", "kill myselfish", "kill, myself", "killmyself"]:
        assert found(text) == [], text


def test_screen_text_wildcard_word_inside_a_phrase() -> None:
    watch("hurt * self", Action.FLAG)
    assert found("I want to hurt my self") == ["hurt * self"]
    assert found("hurt self") == []


# --- outcomes ---


def test_screen_text_block_wins_over_hold_and_flag() -> None:
    watch("scum", Action.BLOCK, message="Please don't call people scum.")
    watch("end it all", Action.REQUIRE_APPROVAL)
    watch("pills", Action.FLAG)
    result = screen_text("pills, end it all, scum", group=None)
    assert result.blocked_message == "Please don't call people scum."
    assert result.hold_reason is None
    assert result.flag_reasons == []
    assert result.matches == ["pills", "end it all", "scum"]


def test_screen_text_hold_wins_over_flag_and_names_every_word() -> None:
    watch("end it all", Action.REQUIRE_APPROVAL)
    watch("pills", Action.FLAG)
    result = screen_text("Pills. I want to end it all.", group=None)
    assert result.blocked_message is None
    assert result.hold_reason == "Watched words: “end it all”, “pills”"
    assert result.flag_reasons == []


def test_screen_text_flag_reasons_one_per_word() -> None:
    watch("pills", Action.FLAG)
    watch("razor*", Action.FLAG)
    result = screen_text("razors and pills and more pills", group=None)
    assert result.flag_reasons == ["Watched word: “razor*”", "Watched word: “pills”"]
    assert result.hold_reason is None and result.blocked_message is None


def test_screen_text_block_inside_a_longer_hold_phrase_still_blocks() -> None:
    watch("kill yourself", Action.REQUIRE_APPROVAL)
    watch("yourself", Action.BLOCK, message="No.")
    watch("kill", Action.BLOCK, message="Not that word.")
    result = screen_text("go kill yourself", group=None)
    assert result.blocked_message == "Not that word."  # the first block word in the text


def test_screen_text_block_without_message_gets_a_kind_default() -> None:
    watch("scum", Action.BLOCK)
    assert screen_text("scum", group=None).blocked_message == screening.DEFAULT_BLOCK_MESSAGE


def test_screen_text_replace_changes_every_occurrence_longest_first() -> None:
    watch("darn", Action.REPLACE, replacement="d**n")
    watch("darn it", Action.REPLACE, replacement="oh well")
    result = screen_text("Darn. DARN it! darned darn", group=None)
    assert result.body == "d**n. oh well! darned d**n"
    assert result.blocked_message is None and result.hold_reason is None
    assert result.flag_reasons == []
    assert result.matches == ["darn", "darn it"]


def test_screen_text_replacement_is_literal_text() -> None:
    watch("darn", Action.REPLACE, replacement=r"\1 \g<0>")
    assert screen_text("darn", group=None).body == r"\1 \g<0>"


def test_screen_text_replace_and_flag_apply_together() -> None:
    watch("darn", Action.REPLACE, replacement="d**n")
    watch("darn*", Action.FLAG)
    result = screen_text("darn darnation", group=None)
    assert result.body == "d**n darnation"
    assert result.flag_reasons == ["Watched word: “darn*”"]


def test_screen_text_without_words_returns_the_text_unchanged() -> None:
    result = screen_text("Anything at all", group=None)
    assert result == screening.Screening(body="Anything at all")


# --- odd input ---


def test_screen_text_survives_the_big_list_of_naughty_strings() -> None:
    watch("darn", Action.REPLACE, replacement="d**n")
    watch("self*harm", Action.FLAG)
    watch("kill myself", Action.REQUIRE_APPROVAL)
    watch("scum", Action.BLOCK)
    for text in BLNS:
        result = screen_text(text, group=None)
        assert result.body == text  # no replace word in the list: nothing changes
        assert result.blocked_message is None


def test_every_acceptable_naughty_string_is_a_word_that_finds_itself() -> None:
    """Each string of the BLNS either is refused as a watched word with a reason, or,
    on the list, matches its own text; all of them compile together."""
    accepted = []
    for text in BLNS:
        word = screening.normalize_word(text)
        problem = screening.word_problem(word)
        assert problem is None or isinstance(problem, str)
        if problem is None and screening.WILDCARD not in word:
            accepted.append(word)
    assert len(accepted) > 100
    entries = [screening._Entry(word, Action.FLAG, "", "") for word in dict.fromkeys(accepted)]
    compiled = screening.compile_words(entries)
    for word in accepted:
        matches = compiled.detect.finditer(screening._detection_form(word))
        identified = {compiled.identify(m.lastgroup, m.group(m.lastgroup)) for m in matches}
        assert identified - {None}, word


def test_rows_written_around_the_services_cannot_match_everything_or_run_slow() -> None:
    watch("**", Action.BLOCK)
    watch("*ab*cd", Action.BLOCK)
    watch("pills", Action.FLAG)
    result = screen_text("xabycd and pills", group=None)
    assert result.blocked_message is None
    assert result.matches == ["pills"]


# --- the compiled list is cached per process, keyed by a shared version ---


def test_screen_text_reuses_the_compiled_list(django_assert_num_queries) -> None:
    watch("pills", Action.FLAG)
    screen_text("warm up", group=None)
    with django_assert_num_queries(0):
        assert found("pills") == ["pills"]


def test_word_saved_through_the_service_applies_at_once(
    admin_user, django_capture_on_commit_callbacks
) -> None:
    assert found("pills") == []
    with django_capture_on_commit_callbacks(execute=True):
        word = watched_word_save(
            actor=admin_user, word=WatchedWord(word="pills", action=Action.FLAG)
        )
    assert found("pills") == ["pills"]
    with django_capture_on_commit_callbacks(execute=True):
        word.action = Action.BLOCK
        watched_word_save(actor=admin_user, word=word)
    assert screen_text("pills", group=None).blocked_message
    with django_capture_on_commit_callbacks(execute=True):
        watched_word_delete(actor=admin_user, word=word)
    assert found("pills") == []


def test_change_in_another_process_is_seen_through_the_shared_version() -> None:
    watch("pills", Action.FLAG)
    assert found("razors") == []
    # Another process adds a word and bumps the shared version; this one has not been told.
    WatchedWord.objects.create(word="razors", action=Action.FLAG)
    assert found("razors") == []  # still this process's compiled copy
    cache.set(screening.VERSION_KEY, "set by another process", timeout=None)
    assert found("razors") == ["razors"]


def test_screen_text_keeps_working_when_the_cache_is_down(monkeypatch) -> None:
    word = watch("pills", Action.FLAG)
    assert found("pills") == ["pills"]

    class DownCache:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache down")

        add = set = get

    monkeypatch.setattr(hotreload, "cache", DownCache())
    word.delete()
    assert found("pills") == ["pills"]  # this process's copy, for OFFLINE_RELOAD_SECONDS
    screening.forget_compiled()
    assert found("pills") == []  # reloaded from the database
    watch("razors", Action.FLAG)  # the services' bump fails quietly, this process reloads
    assert found("razors") == ["razors"]
