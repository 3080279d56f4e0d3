"""The personal-information guard is pure: no database, no Django."""

import itertools
import json
from pathlib import Path

import pytest

from moderation.pii import (
    KINDS,
    LABELS,
    Finding,
    find_personal_information,
    highlight,
    redact,
)
from tests.cpu_time import best_cpu_seconds

HERE = Path(__file__).resolve()
# The shared corpus sits beside the checkout; the repository keeps an identical copy.
BLNS_CANDIDATES = [
    HERE.parents[3] / "shared" / "corpora" / "blns.json",
    HERE.parents[1] / "corpora" / "blns.json",
]


def kinds_and_texts(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_information(text)]


PHONES = [
    ("Call me on +44 7700 900123 tonight", "+44 7700 900123"),
    ("my mobile is 07700 900 123", "07700 900 123"),
    ("ring (555) 123-4567 after six", "(555) 123-4567"),
    ("it's 555-123-4567", "555-123-4567"),
    ("US: +1 555 123 4567", "+1 555 123 4567"),
    ("en France +33 6 12 34 56 78", "+33 6 12 34 56 78"),
    ("appelle-moi au 06 12 34 56 78", "06 12 34 56 78"),
    ("Berlin +49 30 1234567", "+49 30 1234567"),
    ("Festnetz 030 1234567", "030 1234567"),
    ("Festnetz 030/1234567", "030/1234567"),
    ("Aussie mobile +61 412 345 678", "+61 412 345 678"),
    ("India +91 98765 43210", "+91 98765 43210"),
    ("dotted 555.123.4567", "555.123.4567"),
    ("tel: 020 7946 0000", "020 7946 0000"),
    ("office +44 (0)20 7946 0000", "+44 (0)20 7946 0000"),
    ("from abroad 0044 7700 900123", "0044 7700 900123"),
    ("my number is 07700900123", "07700900123"),
    ("text 5551234567 anytime", "5551234567"),
    ("Spain +34 612 34 56 78", "+34 612 34 56 78"),
    ("whatsapp me 555 1234", "555 1234"),
]

EMAILS = [
    ("write to jane.doe@example.com please", "jane.doe@example.com"),
    ("JANE_DOE+forum@Mail.Example.CO.UK", "JANE_DOE+forum@Mail.Example.CO.UK"),
    ("mailto:someone@web.de", "someone@web.de"),
    ("it's jane at gmail dot com", "jane at gmail dot com"),
    ("jane [at] example [dot] org", "jane [at] example [dot] org"),
    ("jane(at)example(dot)co(dot)uk", "jane(at)example(dot)co(dot)uk"),
    ("j.smith AT outlook DOT com", "j.smith AT outlook DOT com"),
    ("marie.dupont@orange.fr", "marie.dupont@orange.fr"),
    ("hans {at} gmx {dot} de", "hans {at} gmx {dot} de"),
    ("email jdoe99 at yahoo.com", "jdoe99 at yahoo.com"),
    ("luis <at> correo <dot> es", "luis <at> correo <dot> es"),
    ("priya@company.in.", "priya@company.in"),
]

ADDRESSES = [
    ("I live at 221B Baker Street now", "221B Baker Street"),
    ("au 12 Rue de la Paix", "12 Rue de la Paix"),
    ("1600 Pennsylvania Avenue NW, Washington", "1600 Pennsylvania Avenue NW"),
    ("Flat 3, 45 High Road", "Flat 3, 45 High Road"),
    ("wohne in der Hauptstraße 5", "Hauptstraße 5"),
    ("vivo en Calle Mayor 10", "Calle Mayor 10"),
    ("350 5th Avenue", "350 5th Avenue"),
    ("I'm at 12 main street", "12 main street"),
    ("Kalverstraat 1 Amsterdam", "Kalverstraat 1"),
    ("Berliner Str. 12", "Berliner Str. 12"),
    ("Via Roma 10, Milano", "Via Roma 10"),
    ("42 Wallaby Way, Sydney", "42 Wallaby Way"),
    ("8 avenue des Champs-Élysées", "8 avenue des Champs-Élysées"),
    ("write to PO Box 1234", "PO Box 1234"),
    ("12 St Mary's Road", "12 St Mary's Road"),
    ("she's at 3 Old Kent Road", "3 Old Kent Road"),
]

POSTCODES = [
    ("London SW1A 1AA", "SW1A 1AA"),
    ("Manchester M1 1AE", "M1 1AE"),
    ("Birmingham B33 8TH", "B33 8TH"),
    ("EC1A 1BB is the one", "EC1A 1BB"),
    ("Ottawa K1A 0B1", "K1A 0B1"),
    ("1012 AB Amsterdam", "1012 AB"),
    ("Springfield, IL 62704", "62704"),
    ("my zip is 90210", "90210"),
    ("zip code 10001-1234", "10001-1234"),
    ("PLZ 10115", "10115"),
    ("code postal: 75002", "75002"),
    ("postcode 3000 (Melbourne)", "3000"),
    ("New York, NY 10001", "10001"),
]

SOCIALS = [
    ("my insta is @jane.doe", "@jane.doe"),
    ("find me on twitter @x", "@x"),
    ("snap: jdoe99", "jdoe99"),
    ("follow @jane_d on insta", "@jane_d"),
    ("discord: jane#1234", "jane#1234"),
    ("instagram.com/jane.doe", "instagram.com/jane.doe"),
    ("see https://twitter.com/jane", "https://twitter.com/jane"),
    ("x.com/jane", "x.com/jane"),
    ("https://www.facebook.com/profile.php?id=1000123", None),
    ("fb.com/jane.doe", "fb.com/jane.doe"),
    ("tiktok.com/@dancer", "tiktok.com/@dancer"),
    ("linkedin.com/in/jane-doe.", "linkedin.com/in/jane-doe"),
    ("snapchat.com/add/jdoe", "snapchat.com/add/jdoe"),
    ("reddit.com/u/throwaway", "reddit.com/u/throwaway"),
    ("reddit.com/user/throwaway", "reddit.com/user/throwaway"),
    ("t.me/jane", "t.me/jane"),
    ("discord.gg/abc123", "discord.gg/abc123"),
    ("youtube.com/@jane", "youtube.com/@jane"),
    ("wa.me/447700900123", "wa.me/447700900123"),
    ("threads.net/@jane", "threads.net/@jane"),
    ("add me on snapchat: jdoe99", "jdoe99"),
    ("I'm u/quiet_one on there", "u/quiet_one"),
]


def _assert_single(text: str, expected: str | None, kind: str) -> None:
    expected = text if expected is None else expected
    findings = find_personal_information(text)
    assert [(f.kind, f.text) for f in findings] == [(kind, expected)]
    (f,) = findings
    assert text[f.start : f.end] == expected == f.text


@pytest.mark.parametrize(("text", "expected"), PHONES)
def test_find_phone(text, expected):
    _assert_single(text, expected, "phone")


@pytest.mark.parametrize(("text", "expected"), EMAILS)
def test_find_email(text, expected):
    _assert_single(text, expected, "email")


@pytest.mark.parametrize(("text", "expected"), ADDRESSES)
def test_find_address(text, expected):
    _assert_single(text, expected, "address")


@pytest.mark.parametrize(("text", "expected"), POSTCODES)
def test_find_postcode(text, expected):
    _assert_single(text, expected, "postcode")


@pytest.mark.parametrize(("text", "expected"), SOCIALS)
def test_find_social(text, expected):
    _assert_single(text, expected, "social")


def test_find_address_with_postcode_after_it():
    assert kinds_and_texts("12 Rue de la Paix, 75002 Paris") == [
        ("address", "12 Rue de la Paix"),
        ("postcode", "75002"),
    ]
    assert kinds_and_texts("Hauptstraße 5, 10115 Berlin") == [
        ("address", "Hauptstraße 5"),
        ("postcode", "10115"),
    ]
    assert kinds_and_texts("221B Baker Street, London NW1 6XE") == [
        ("address", "221B Baker Street"),
        ("postcode", "NW1 6XE"),
    ]


NEGATIVES = [
    # dates, times, years, ranges
    "on 2024-05-12 I felt awful",
    "since 12/05/2024",
    "12.05.2024 at 10:30",
    "the group runs 10.30-11.45 on Tuesdays",
    "it got worse in 2019-2024",
    "between 2024-05-12/2024-06-01",
    "2024-05-12 – 2024-06-01",
    "I'm 25 and was born in 1999",
    "back in 2000 AD",
    # money
    "it cost £1,200.50",
    "a €1 200 000 budget",
    "1.200.000 people",
    "I owe $12,345",
    # doses and counts
    "sertraline 100mg",
    "20 mg of something",
    "I've been sober 365 days",
    "I took 1000000 steps",
    "I lost 12 pounds",
    "1 in 4 people",
    "about 85% better",
    "1500 mg a day",
    # crisis lines Haven shows
    "call 988 if you need to",
    "Samaritans 116 123",
    "111 or 999 or 911 or 112",
    "Lifeline 13 11 14",
    "TelefonSeelsorge 0800 111 0 111",
    "Childline 0800 1111",
    # versions, numbers that are not phones
    "version 10.0.19041.1",
    "python 3.11.4",
    "my router is 192.168.1.10",
    "order 12345678",
    "ISBN 978-3-16-148410-0",
    # streets and roads in ordinary sentences
    "the road to recovery is long",
    "10 years down the road",
    "I took 2 ways home",
    "3 drives a week",
    "a 2 hour drive away",
    "5 minutes from the high street",
    "there's 1 simple way to breathe",
    "we walked 3 miles along the road",
    "Day 45 Of Recovery Way Better",
    "It Took 1 Hour Drive To Get There",
    "Top 10 Safe Place Ideas",
    "I've done 100 Days Clean Street",
    "On twitter: nope",
    # forum @mentions
    "thanks @jane for the advice",
    "@quiet_harbour hugs",
    "@jane.doe I hear you",
    "my insta is private",
    "twitter is toxic",
    # ordinary sites and non-profile links
    "see nhs.uk/mental-health",
    "visit https://www.mind.org.uk/information-support/",
    "https://www.samaritans.org",
    "netflix.com/browse",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "on x.com all day",
    # e-mail-looking sentences
    "I was at home dot com bubble",
    "meet me at the park",
    "at least 5 days",
    # postcode-looking text
    "b4 2am I was awake",
    "10000 steps",
    "72201 is a number",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_find_nothing_in_ordinary_text(text):
    assert find_personal_information(text) == []


def test_known_numbers_are_not_personal():
    text = "call Youthline on 0800 376 633 or Tina on 0800 376 634"
    assert kinds_and_texts(text) == [("phone", "0800 376 634")]
    assert kinds_and_texts("call 0300 123 4567") == [("phone", "0300 123 4567")]
    assert find_personal_information("call 0300 123 4567", known_numbers=["03001234567"]) == []


def test_find_several_sorted_with_original_offsets():
    text = (
        "Hi all 🌻 — text me: 07700 900123, or jane [at] example [dot] org.\n"
        "I'm at 221B Baker Street, London NW1 6XE; insta: @jane.doe 💛 thanks @mod"
    )
    findings = find_personal_information(text)
    assert [(f.kind, f.text) for f in findings] == [
        ("phone", "07700 900123"),
        ("email", "jane [at] example [dot] org"),
        ("address", "221B Baker Street"),
        ("postcode", "NW1 6XE"),
        ("social", "@jane.doe"),
    ]
    starts = [f.start for f in findings]
    assert starts == sorted(starts)
    for f in findings:
        assert text[f.start : f.end] == f.text
    for a, b in itertools.pairwise(findings):
        assert a.end <= b.start


def test_find_overlap_keeps_longest():
    # The digits of a WhatsApp link are part of the link, not a second finding.
    assert kinds_and_texts("wa.me/447700900123") == [("social", "wa.me/447700900123")]
    # An e-mail on a social platform's domain is an e-mail, not a profile link.
    assert kinds_and_texts("jane@x.com") == [("email", "jane@x.com")]


def test_kinds_and_labels_agree():
    assert set(LABELS) == set(KINDS)
    assert KINDS == ("phone", "email", "address", "postcode", "social")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nothing here",
        "call +44 7700 900123",
        "a 07700 900123 b jane@example.com c",
        "221B Baker Street, London NW1 6XE",
        "é07700 900123é",
    ],
)
def test_highlight_segments_join_back(text):
    findings = find_personal_information(text)
    segments = highlight(text, findings)
    assert "".join(s for s, _ in segments) == text
    assert all(s for s, _ in segments)
    assert [k for _, k in segments if k] == [f.kind for f in findings]


def test_highlight_marks_the_personal_parts():
    text = "call 07700 900123 now"
    assert highlight(text, find_personal_information(text)) == [
        ("call ", None),
        ("07700 900123", "phone"),
        (" now", None),
    ]


def test_highlight_ignores_bad_and_overlapping_findings():
    text = "abcdef"
    findings = [
        Finding("phone", 4, 99, "ef"),
        Finding("email", 1, 3, "bc"),
        Finding("social", 2, 4, "cd"),
    ]
    assert highlight(text, findings) == [("a", None), ("bc", "email"), ("def", None)]


def test_redact_replaces_the_span():
    text = "call 07700 900123 now"
    (f,) = find_personal_information(text)
    assert redact(text, f.start, f.end) == "call [removed by a facilitator] now"
    assert redact(text, f.start, f.end, "[…]") == "call […] now"
    assert redact("abc", 0, 3, "") == ""


@pytest.mark.parametrize(
    ("start", "end"), [(-1, 2), (2, 2), (3, 2), (0, 4), (0, 100), (True, 2), (0.5, 2)]
)
def test_redact_rejects_bad_bounds(start, end):
    with pytest.raises(ValueError):
        redact("abc", start, end)


def test_find_naughty_strings_without_exception():
    path = next((p for p in BLNS_CANDIDATES if p.exists()), None)
    assert path is not None, f"naughty strings corpus not found in {BLNS_CANDIDATES}"
    strings = json.loads(path.read_text(encoding="utf-8"))
    assert len(strings) > 500
    for s in strings:
        findings = find_personal_information(s)
        assert "".join(seg for seg, _ in highlight(s, findings)) == s
        for f in findings:
            assert s[f.start : f.end] == f.text


@pytest.mark.parametrize(
    "seed",
    [
        "I walked 3 miles down the road, call me on +44 7700 900123 or jane at gmail dot "
        "com; my insta is @jane.doe. 221B Baker Street, London NW1 6XE. thanks @mod! ",
        "1 ",
        "(1",
        "a at ",
        "12 Ab ",
        "@",
    ],
    ids=["prose", "digits", "brackets", "at-words", "street-words", "at-signs"],
)
def test_find_scales_linearly(seed):
    """Relative CPU time only: 256 KB must cost less than 16 times 1/8 of it (linear
    work gives about 8; backtracking that grows with the square of the text, 64)."""
    big = (seed * (256_000 // len(seed) + 1))[:256_000]
    small_seconds, _ = best_cpu_seconds(lambda: find_personal_information(big[: len(big) // 8]))
    big_seconds, findings = best_cpu_seconds(lambda: find_personal_information(big))
    assert all(big[f.start : f.end] == f.text for f in findings)
    if seed.startswith("I walked"):
        assert len(findings) > 1000
    assert big_seconds / small_seconds < 16
