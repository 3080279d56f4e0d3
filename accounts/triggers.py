"""Trigger filters: the taxonomy of sensitive topics a content warning can name, a
member's mute words, and the decision whether a post collapses for a member. Pure: no
queries; a member's choices are fields on ``User`` (``collapse_topics``, ``mute_words``).

A post collapses for a reader when its author or a facilitator wrote a content warning
(for everyone, as before), when it is tagged with a topic the reader collapses, or when
its text contains one of the reader's mute words. Until a member chooses, self-harm and
suicide are collapsed (gentle defaults for new members and visitors)."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.db import models


class Topic(models.TextChoices):
    SELF_HARM = "self_harm", "Self-harm"
    SUICIDE = "suicide", "Suicide"
    EATING = "eating", "Eating disorders"
    ABUSE = "abuse", "Abuse"
    SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence"
    SUBSTANCE = "substance", "Substance use"
    BEREAVEMENT = "bereavement", "Bereavement and loss"
    PREGNANCY_LOSS = "pregnancy_loss", "Pregnancy and baby loss"
    MEDICAL = "medical", "Graphic medical detail"
    VIOLENCE = "violence", "Violence"


TOPIC_LABELS: dict[str, str] = dict(Topic.choices)
TOPIC_ORDER: tuple[str, ...] = tuple(TOPIC_LABELS)  # the taxonomy's order
DEFAULT_COLLAPSED: tuple[str, ...] = (Topic.SELF_HARM, Topic.SUICIDE)

MUTE_WORDS_MAX = 50
MUTE_WORD_MIN = 2
MUTE_WORD_MAX = 60
MUTE_WORDS_TEXT_MAX = MUTE_WORDS_MAX * (MUTE_WORD_MAX + 1)


def clean_topics(values) -> list[str]:
    """Known topics, in taxonomy order, each once; unknown values dropped."""
    chosen = {str(v) for v in values or ()}
    return [t for t in TOPIC_ORDER if t in chosen]


def topic_labels(values) -> list[str]:
    return [TOPIC_LABELS[t] for t in clean_topics(values)]


def _fold(text: str) -> str:
    """Compatibility forms and case folded, so full-width, capital and small letters match alike."""
    return unicodedata.normalize("NFKC", text).casefold()


def parse_mute_words(text: str, *, strict: bool = True) -> list[str]:
    """The mute words of a settings field: one per line or separated by commas; folded,
    each once, in the order given. Strict (the settings form): raises ValueError with a
    message for the member; lenient (reading what is saved): skips what does not fit."""
    words: list[str] = []
    for raw in re.split(r"[,\n\r]+", text.replace("\x00", "")):
        word = " ".join(_fold(raw).split())
        if not word:
            continue
        core = word.rstrip("*")
        problem = None
        if len(core) < MUTE_WORD_MIN:
            problem = f"“{raw.strip()}” is too short: a mute word needs 2 letters or more."
        elif len(word) > MUTE_WORD_MAX:
            problem = f"A mute word can be at most {MUTE_WORD_MAX} characters."
        elif not any(ch.isalnum() for ch in core):
            problem = f"“{raw.strip()}” has no letters or digits to match."
        if problem and strict:
            raise ValueError(problem)
        if not problem and word not in words:
            words.append(word)
    if len(words) > MUTE_WORDS_MAX:
        if strict:
            raise ValueError(f"You can mute at most {MUTE_WORDS_MAX} words or phrases.")
        words = words[:MUTE_WORDS_MAX]
    return words


@lru_cache(maxsize=1024)
def _mute_pattern(words: tuple[str, ...]) -> re.Pattern | None:
    """Whole words or phrases (spaces match any run of spaces); a trailing ``*`` matches
    any ending ("cut*" matches "cutting")."""
    parts = []
    for word in words:
        prefix = word.endswith("*")
        core = re.escape(word.rstrip("*")).replace(r"\ ", r"\s+")
        parts.append(core if prefix else core + r"(?!\w)")
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")


@dataclass(frozen=True)
class Collapse:
    """Why a post is folded for a reader, in words fit for the fold's summary."""

    warning: str  # the author's or a facilitator's content warning, if any
    topics: tuple[str, ...]  # labels of the post's topics (all of them)
    muted: bool  # contains one of the reader's mute words

    @property
    def summary(self) -> str:
        parts = []
        if self.warning:
            parts.append(f"Content warning: {self.warning}")
        if self.topics:
            label = ", ".join(self.topics)
            parts.append(f"Topics: {label}" if self.warning else f"Content warning: {label}")
        if self.muted:
            parts.append("Contains words you muted")
        return ". ".join(parts)


@dataclass(frozen=True)
class ContentFilter:
    """One reader's filter: the topics they collapse and their mute words."""

    topics: frozenset[str]
    words: tuple[str, ...] = ()

    def collapse(self, *, warning: str = "", topics=(), texts=()) -> Collapse | None:
        """The fold for a post with this content warning, topic tags and texts (body, and
        title for an opening post), or None if the reader sees it open. A written warning
        folds the post for everyone; the topics are named whenever the post folds."""
        tagged = clean_topics(topics)
        muted = self.mutes(*texts)
        if not (warning or muted or self.topics.intersection(tagged)):
            return None
        return Collapse(warning=warning, topics=tuple(TOPIC_LABELS[t] for t in tagged), muted=muted)

    def mutes(self, *texts: str) -> bool:
        pattern = _mute_pattern(self.words)
        return pattern is not None and any(text and pattern.search(_fold(text)) for text in texts)


def filter_for(user) -> ContentFilter:
    """The reader's filter: their choices, or the defaults until they choose (visitors
    too). ``collapse_topics`` None means "not chosen yet"; an empty list is a choice."""
    chosen = getattr(user, "collapse_topics", None) if user.is_authenticated else None
    topics = DEFAULT_COLLAPSED if chosen is None else clean_topics(chosen)
    words = getattr(user, "mute_words", "") if user.is_authenticated else ""
    return ContentFilter(frozenset(topics), tuple(parse_mute_words(words or "", strict=False)))


def notification_fold(notification, content_filter: ContentFilter) -> Collapse | None:
    """How a notification about a post or thread folds for its recipient: as the post
    would on its thread page (its warning, topics, mute words in its text or title), or a
    mute word in the notification's own words (which may quote a thread's title). Never
    for the recipient's own post. Reads the post and thread already loaded with it."""
    post = notification.post if notification.post_id else None
    thread = notification.thread if notification.thread_id else None
    if thread is None and post is not None:
        thread = post.thread
    if post is not None and post.author_id == notification.recipient_id:
        return None
    title = thread.title if thread is not None else ""
    if post is None:
        return content_filter.collapse(texts=(title, notification.message))
    return content_filter.collapse(
        warning=post.content_warning,
        topics=post.content_topics,
        texts=(post.body, title, notification.message),
    )
