"""Normalisation and tokenisation: each evasion trick reads as the plain word, and every
token still points at the characters of the original text."""

from moderation.crisis import default_lexicon
from moderation.crisis.normalise import fold_for_scan, normalise, tokenise


def _tokens(text: str):
    return tokenise(text, 0, default_lexicon().vocab)[1]


def _forms(text: str) -> list[set[str]]:
    return [set(t.forms) for t in _tokens(text)]


def _reads(text: str, *words: str) -> bool:
    """Does some run of consecutive tokens read as ``words``?"""
    forms = _forms(text)
    n = len(words)
    return any(all(words[k] in forms[i + k] for k in range(n)) for i in range(len(forms) - n + 1))


def test_normalise_case_and_nfkc_full_width():
    assert _reads("ＫＩＬＬ ＭＹＳＥＬＦ", "kill", "myself")
    assert _reads("KILL Myself", "kill", "myself")


def test_normalise_cyrillic_and_greek_look_alikes():
    assert _reads("\u043a\u0456ll myself", "kill", "myself")  # Cyrillic k and i
    assert _reads("su\u03b9c\u03b9de", "suicide")  # Greek iota


def test_normalise_zero_width_and_format_characters():
    assert _reads("ki\u200bll my\u200dself", "kill", "myself")
    assert _reads("su\u00adicide", "suicide")


def test_normalise_leet_shadow_keeps_plain_form():
    forms = _forms("k1ll mys3lf")
    assert "kill" in forms[0] and "k1ll" in forms[0]
    assert "myself" in forms[1]
    assert _reads("$u!c!de", "suicide")


def test_normalise_spaced_and_dotted_letters():
    assert _reads("k i l l myself", "kill", "myself")
    assert _reads("k.i.l.l m.y.s.e.l.f", "kill", "myself")
    assert _reads("k-i-l-l myself", "kill", "myself")


def test_normalise_collapsed_letters_split_into_lexicon_words():
    assert _reads("i want to k i l l m y s e l f", "kill", "myself")


def test_normalise_repeated_letters():
    assert _reads("i wanna diiiie", "die")
    assert _reads("killllll myself", "kill", "myself")


def test_normalise_asterisk_inside_word():
    assert _reads("k*ll myself", "kill", "myself")
    assert _reads("s**cide", "suicide")


def test_normalise_emoji_variation_selector_dropped():
    assert _forms("\u2620\ufe0f")[0] == {"\u2620"}


def test_tokens_point_at_original_text():
    text = "Ｉ \u200bwant to k 1 l l  mys3lf 💊 tonight"
    toks = _tokens(text)
    spans = [text[t.start : t.end] for t in toks]
    assert "mys3lf" in spans
    assert "k 1 l l" in spans
    assert "💊" in spans
    assert spans[0] == "Ｉ"


def test_normalise_offsets_map_expanded_characters():
    norm, offsets = normalise("ﬁnal ß", 10)
    assert norm == "final ss"
    assert offsets[0] == offsets[1] == 10  # both letters of the ligature
    assert offsets[-1] == offsets[-2] == 15


def test_fold_for_scan_keeps_length():
    for text in ("Ｋіll ß İstanbul 💊", "plain ascii", "\u200b\u200d", "ﬁ"):
        assert len(fold_for_scan(text)) == len(text)
