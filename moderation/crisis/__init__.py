"""Haven's crisis-language detector: pure Python, no Django (the Django side passes data in).

Usage::

    from moderation.crisis import assess
    result = assess(post.body)             # Assessment(severity, findings, ...)
    result.severity                        # Severity.NONE / MODERATE / HIGH / IMMINENT
    result.to_dict()                       # JSON-ready, stored on the alert row

``Severity`` values follow the review queue (``1`` is the queue's own "elevated" and is
never produced here). moderate: passive ideation, hopelessness, burdensomeness; high:
active ideation, self-harm, a recent attempt, ongoing abuse; imminent: intent or active
ideation with means, a timeframe or preparation close by, an act in progress, a farewell,
or a threat with a weapon or a "now" cue. How: ``normalise`` (offset-mapped normalisation,
leet, look-alikes, spaced letters), ``matcher`` (token matching, prefilter),
``assertions`` (negation, experiencer, history, hypothetical, supportive, figurative),
``detector`` (sentences, combination, asymmetric safety). See ``/shared/CRISIS.md`` §4.

The lexicon is data
-------------------
``lexicon/<language>.json`` holds ``{"language": "en", "entries": [...]}``;
``default_lexicon()`` loads every file once per process. The admin screen passes its rows
to ``Lexicon.from_entries(rows)``; each row is one flat dict:

``key``
    unique, stable id, e.g. ``"en.active.kill_myself"`` (recorded in alerts' rule ids).
``pattern``
    phrase syntax (below), an emoji sequence, or a Python regular expression.
``kind``
    ``"phrase"`` | ``"regex"`` | ``"emoji"``.
``signal``
    a signal: ``ideation_active``, ``ideation_passive``, ``hopelessness``,
    ``burdensomeness``, ``intent``, ``self_harm``, ``attempt``, ``abuse``, ``threat``,
    ``means``, ``timeframe``, ``preparation``, ``farewell``, ``in_progress``; or a guard:
    ``negation``, ``pseudo_negation``, ``history``, ``current``, ``hypothetical``,
    ``supportive``, ``figurative``, ``exclusion``, ``serious``, ``terminator``,
    ``first_person``, ``third_person``. Hyphens are accepted (``ideation-active``).
``severity``
    base severity, ``"none"`` | ``"moderate"`` | ``"high"`` | ``"imminent"``. ``"none"``
    marks a weak signal that only counts in combination (means, timeframes, an ``intent``
    such as "do it tonight" that needs another signal close by).
``language``
    ``"en"``, ``"es"``, ``"fr"``, ``"de"``... (the file name supplies it for shipped files).
``first_person``
    true if the poster must be the experiencer: the nearest person cue before the match
    in its clause must not be a third or second person ("my friend wants to die").
``examples`` / ``counter_examples``
    texts the entry must / must not fire on (checked by the test suite for shipped files).

Phrase syntax (matched on whole tokens of the normalised text, never substrings):
words separated by spaces; ``{a|b c|d}`` one of several alternatives (each may be several
words, and may nest); ``[x]`` or ``[x|y]`` optional; ``...`` a gap of up to 3 tokens and
``~N`` up to N (1-6) tokens, never across clause punctuation; ``word*`` any word starting
with ``word`` (at least 3 letters: inflections such as ``kill*``); ``<num>`` a number;
``<any>`` exactly one token; a leading ``!x`` means "not directly after x"
(``!{<num>|few} kms``). Words are compared after the same normalisation as the text
(case, accents and apostrophes dropped: write ``dont`` or ``don't``); hyphens split words.
Inflections are listed explicitly (``{kill|kills|killing|killed}``) or with ``*``.

``validate_entry(row) -> list[str]`` returns the problems with a row (bad regex, nested
repetition, a pattern too broad, unknown signal...); ``from_entries`` skips invalid rows
(see ``Lexicon.rejected``) rather than failing. ``Lexicon.version`` is a stable hash of the
valid entries, recorded in every ``Assessment``.
"""

from .detector import Assessment, Finding, Severity, assess
from .lexicon import Lexicon, LexiconEntry, default_lexicon, validate_entry

__all__ = [
    "Assessment",
    "Finding",
    "Lexicon",
    "LexiconEntry",
    "Severity",
    "assess",
    "default_lexicon",
    "validate_entry",
]
