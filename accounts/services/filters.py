"""A member's reading settings: the topics folded for them, their mute words, and
whether links to other sites show where they lead first."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import User
from ..triggers import Topic, clean_topics, parse_mute_words


@transaction.atomic
def content_filters_update(
    *, user: User, topics, mute_words: str, link_interstitial: bool | None = None
) -> User:
    """Save the member's choice (an empty list of topics is a choice: nothing folds by
    topic, the gentle defaults no longer apply). Mute words are stored folded, one a line."""
    topics = list(topics or [])
    if any(t not in Topic.values for t in topics):
        raise ValidationError({"topics": "Please choose topics from the list."})
    try:
        words = parse_mute_words(mute_words or "")
    except ValueError as exc:
        raise ValidationError({"mute_words": str(exc)}) from exc
    user.collapse_topics = clean_topics(topics)
    user.mute_words = "\n".join(words)
    if link_interstitial is not None:
        user.link_interstitial = bool(link_interstitial)
    user.save(update_fields=["collapse_topics", "mute_words", "link_interstitial"])
    return user
