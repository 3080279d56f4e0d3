"""Watched words: the admin-managed list every post and thread title is screened against
(``moderation.screening``), and what posting does with what screening finds."""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from groups import policies as group_policies
from groups.models import Post, SupportGroup

from ..crisis import Assessment
from ..models import ReviewItem, WatchedWord
from ..screening import normalize_word, screen_text, watched_words_changed, word_problem
from .audit import audit_record
from .personal import (
    CRISIS_HOLD,
    GROUP_HOLD,
    PersonalInformationFound,
    personal_information_in,
)
from .queue import review_open


def _check_admin(actor: User) -> None:
    if not group_policies.is_admin(actor):
        raise PermissionDenied("Only admins manage the watched words.")


def watched_word_clean(word: WatchedWord) -> None:
    """Normalise ``word`` in place and refuse what cannot be screened for: empty words,
    only wildcards, over-broad or slow patterns, a word already on the list, a replace
    without its replacement. Raises ValidationError keyed by field."""
    word.word = normalize_word(word.word)
    word.replacement = word.replacement.replace("\x00", "").strip()
    word.message = word.message.replace("\x00", "").strip()
    errors: dict[str, str] = {}
    problem = word_problem(word.word)
    if problem:
        errors["word"] = problem
    else:
        existing = WatchedWord.objects.filter(word__iexact=word.word).exclude(pk=word.pk).first()
        if existing is not None:
            action = existing.get_action_display().lower()
            errors["word"] = f"“{existing.word}” is already on the list ({action})."
    if word.action == WatchedWord.Action.REPLACE and not word.replacement:
        errors["replacement"] = "Please say what to show instead of the word."
    if errors:
        raise ValidationError(errors)


def _snapshot(word: WatchedWord) -> dict:
    return {
        "word": word.word,
        "action": word.action,
        "replacement": word.replacement,
        "message": word.message,
    }


@transaction.atomic
def watched_word_save(*, actor: User, word: WatchedWord) -> WatchedWord:
    """Add or change a watched word (admins only). Validated, audited with the old and
    new values; after commit every process recompiles the list on its next post."""
    _check_admin(actor)
    watched_word_clean(word)
    previous = None
    if word.pk is not None:
        old = WatchedWord.objects.select_for_update().filter(pk=word.pk).first()
        previous = _snapshot(old) if old is not None else None
    if previous is None:
        word.created_by = word.created_by or actor
    word.full_clean()
    word.save()
    audit_record(
        actor=actor,
        action="watched_word.change" if previous else "watched_word.add",
        reason=f"{word.word} ({word.get_action_display()})",
        details={"word": _snapshot(word), "previous": previous},
    )
    transaction.on_commit(watched_words_changed, robust=True)
    return word


@transaction.atomic
def watched_word_delete(*, actor: User, word: WatchedWord) -> None:
    """Take a word off the list (admins only). Audited; after commit every process
    recompiles the list on its next post. Posts already screened stay as they are."""
    _check_admin(actor)
    snapshot = _snapshot(word)
    deleted, _ = WatchedWord.objects.filter(pk=word.pk).delete()
    if not deleted:
        return
    audit_record(
        actor=actor,
        action="watched_word.delete",
        reason=f"{snapshot['word']} ({word.get_action_display()})",
        details={"word": snapshot},
    )
    transaction.on_commit(watched_words_changed, robust=True)


# --- posting ---


class PostScreening(NamedTuple):
    texts: dict[str, str]  # each field after replacements
    holds: list[str]  # reasons to hold the post for a facilitator
    flags: list[str]  # reasons to publish it and put it in the review queue
    crisis: Assessment | None = None  # the strongest crisis finding in any field


def screen_post(
    *, author: User, group: SupportGroup, personal_ok: bool = True, **fields: str
) -> PostScreening:
    """Screen what someone is about to post (title, body, content warning: ``fields``)
    with ``screen_text``. A blocked word raises ValidationError on its field with the
    word's message, before anything is saved. ``crisis`` is the strongest crisis
    assessment of any field. Facilitators' and admins' own words are
    blocked and replaced but never held or flagged. Personal information
    (``personal.py``) raises ``PersonalInformationFound`` unless the member confirmed it
    (``personal_ok``), except with crisis language, where the post is held instead; a
    group that holds personal information (``hold_personal_information``) holds it once
    confirmed.
    Writes nothing."""
    texts, holds, flags = {}, [], []
    crisis: Assessment | None = None
    for name, text in fields.items():
        texts[name] = text
        if not text:
            continue
        screening = screen_text(text, group=group)
        if screening.blocked_message:
            raise ValidationError({name: screening.blocked_message})
        texts[name] = screening.body
        holds += [screening.hold_reason] if screening.hold_reason else []
        flags += screening.flag_reasons
        if screening.crisis is not None and (
            crisis is None or screening.crisis.severity > crisis.severity
        ):
            crisis = screening.crisis
    if crisis is not None and group.hold_crisis_posts:
        holds.append("Crisis language: this group holds such posts for a facilitator")
    if group_policies.can_moderate_group(author, group):
        # Staff are people too: their crisis language alerts like anyone's.
        return PostScreening(texts, [], [], crisis)
    personal = personal_information_in(texts)
    if personal and crisis is not None:
        holds.append(CRISIS_HOLD)
    elif personal and not personal_ok:
        raise PersonalInformationFound(personal, texts, held=group.hold_personal_information)
    elif personal and group.hold_personal_information:
        holds.append(GROUP_HOLD)
    return PostScreening(texts, list(dict.fromkeys(holds)), list(dict.fromkeys(flags)), crisis)


def review_watched_words(*, kind: str, post: Post, reasons: list[str]) -> ReviewItem:
    """Open the review item of ``kind`` for watched words found in ``post``, or add the
    reasons to the open one, keeping its score and what it already says (members' flags
    may have opened it). No Flag row: nobody reported it. Runs in the caller's
    transaction."""
    item = ReviewItem.objects.open().filter(kind=kind, post=post).first()
    reason = "; ".join(reasons)
    if item is not None and item.reason:
        reason = item.reason if reason in item.reason else f"{item.reason}; {reason}"
    return review_open(
        kind=kind,
        group=post.thread.group,
        post=post,
        severity=ReviewItem.Severity.LOW,
        score=item.score if item is not None else 0.0,
        reason=reason,
    )
