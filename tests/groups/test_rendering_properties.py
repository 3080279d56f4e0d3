"""Property tests (Hypothesis) of the rendering pipeline in groups/rendering.py.

For any text, including text built from hostile fragments (raw HTML, event handlers,
script URLs, remote images, entities, bidi and zero-width characters), what
``render_markdown`` returns, parsed with Python's html.parser:

- holds only the allow-listed tags and attributes (read from rendering.py), plus the
  ``rel`` nh3 adds to every link (always exactly ``LINK_REL``);
- links only to http, https or mailto addresses, or to a page of Haven itself (a path,
  a query or a fragment: members link to other threads, and @mentions link to cards).
  A protocol-relative ``//host/...`` or ``\\host`` is another site, so it is not allowed;
- holds no <img> at all: Haven shows no remote images (a Markdown image becomes a link);
- is a fixed point of the sanitiser (cleaning it again with the same allow-list changes
  nothing), and rendering it again as Markdown yields output with all of the above.

The steps after sanitising keep those properties: ``link_mentions`` adds only
``class="mention"`` and ``data-handle`` to links to member cards, and ``links_via`` sends
every link to another site (any letter case of http/https) through the gateway.
"""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.rendering import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    LINK_REL,
    URL_SCHEMES,
    link_mentions,
    links_via,
    mentions_in,
    render_markdown,
    render_plain,
    sanitise,
)

pytestmark = pytest.mark.embedded

GATEWAY = "/go/"
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# What browsers ignore or strip inside a URL before they read its scheme.
URL_NOISE = re.compile(r"[\x00-\x20\x7f]")

FRAGMENTS = [
    "<script>alert(1)</script>",
    "<script src=//evil.example/x.js></script>",
    "<img src=x onerror=alert(1)>",
    '<img src="http://remote.example/x.png">',
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<style>body{display:none}</style>",
    '<a href="javascript:alert(1)">x</a>',
    "<a href='//evil.example'>x</a>",
    '<p onclick="alert(1)">',
    "<math><mi xlink:href=javascript:alert(1)>",
    "<!-- comment -->",
    "<![CDATA[x]]>",
    "</p>",
    "<b>",
    "<table><tr><td>",
    "[a](javascript:alert(1))",
    "[a](JaVaScRiPt:alert(1))",
    "[a](java\tscript:alert(1))",
    "[a](&#106;avascript:alert(1))",
    "[a](data:text/html;base64,PHNjcmlwdD4=)",
    "[a](vbscript:msgbox(1))",
    "[a](//evil.example/x)",
    "[a]( //evil.example )",
    "[a](/\\evil.example)",
    "[a](\\\\evil.example)",
    "[a](https:evil.example)",
    "[a](HTTPS://Evil.Example/x)",
    "[a](mailto:someone@example.org)",
    "[a](#top)",
    "[a](/t/1/)",
    '[a](http://x "title onmouseover=alert(1)")',
    "![i](http://remote.example/x.png)",
    "![i](//remote.example/x.png)",
    "![<img src=x onerror=alert(1)>](https://remote.example/y.gif)",
    "<http://example.org/a?b=1&c=2>",
    "<//evil.example>",
    "<javascript:alert(1)>",
    "www.example.org",
    'https://example.org/"onmouseover=alert(1)',
    "@someone",
    "@a_b-c9 ",
    "email@example.org",
    "&lt;script&gt;",
    "&#x3C;script&#x3E;",
    "&amp;",
    "&#0;",
    "&unknown;",
    "\x00",
    "\u202e",
    "\u200b",
    "\ufeff",
    "ｊａｖａｓｃｒｉｐｔ:",
    "\U0001f600",
    "# heading\n",
    "###### h6\n",
    "> quote\n",
    "- item\n",
    "1. item\n",
    "3) item\n",
    "```\n<script>\n```\n",
    "    indented code\n",
    "`<b>`",
    "| a | b |\n|:-|-:|\n| <i> | x |\n",
    "---\n",
    "~~del~~",
    "**strong**",
    "_em_",
    "\\",
    "\n",
    "\n\n",
    "  \n",
    "[",
    "](",
    ")",
    "<",
    ">",
    '"',
    "'",
    "`",
    "=",
    " on",
    "error=alert(1)",
    "javascript:",
    "http://",
    "//",
]

hostile_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=12
).map("".join)
any_text = st.one_of(st.text(max_size=200), hostile_text)


class _Elements(HTMLParser):
    """Every start tag with its attributes (entity references resolved)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def href_problem(href: str | None) -> str | None:
    """Why this link target is not allowed, or None: an http/https/mailto address, or a
    reference within Haven (path, query, fragment; never another host)."""
    if href is None:
        return None
    target = URL_NOISE.sub("", href)
    scheme = SCHEME.match(target)
    if scheme:
        if scheme.group(1).lower() not in URL_SCHEMES:
            return f"scheme {scheme.group(1)!r}"
        return None
    if target.startswith(("//", "/\\", "\\")):
        return "another site without a scheme"
    if ":" in target.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return "a colon before the path (read as a scheme)"
    return None


def problems(html: str, extra: dict[str, set[str]] | None = None) -> list[str]:
    """Everything in ``html`` outside the allow-list; an empty list when it is safe."""
    found = []
    for tag, attrs in elements(html):
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
            continue
        allowed = set(ALLOWED_ATTRIBUTES.get(tag, ())) | (extra or {}).get(tag, set())
        if tag == "a":
            allowed.add("rel")
            if attrs.get("rel", LINK_REL) != LINK_REL:
                found.append(f"rel={attrs['rel']!r}")
            problem = href_problem(attrs.get("href"))
            if problem:
                found.append(f"href {attrs.get('href')!r}: {problem}")
        for name in attrs:
            if name not in allowed:
                found.append(f"attribute {name!r} on <{tag}>")
    if "<img" in html.lower():
        found.append("an <img>")
    return found


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(any_text)
def test_rendered_markdown_holds_only_the_allow_list(text: str) -> None:
    html = render_markdown(text)
    assert problems(html) == [], html


@FAST
@given(any_text)
def test_rendering_the_output_again_is_still_safe(text: str) -> None:
    html = render_markdown(text)
    assert sanitise(html) == html  # already clean: the sanitiser has nothing to do
    again = render_markdown(html)
    assert problems(again) == [], again
    assert problems(render_markdown(again)) == []


@FAST
@given(any_text)
def test_plain_rendering_has_no_markup(text: str) -> None:
    assert elements(render_plain(text)) == []


@FAST
@given(any_text)
def test_mention_links_add_only_their_own_attributes(text: str) -> None:
    html = render_markdown(text)
    linked = link_mentions(html, mentions_in(html))  # every handle as if it existed
    assert problems(linked, extra={"a": {"class", "data-handle"}}) == [], linked
    for tag, attrs in elements(linked):
        if tag == "a" and "data-handle" in attrs:
            assert attrs["class"] == "mention"
            assert attrs["href"] == reverse("accounts:member_card", args=[attrs["data-handle"]])


@FAST
@given(any_text)
def test_links_to_other_sites_all_go_through_the_gateway(text: str) -> None:
    routed = links_via(render_markdown(text), GATEWAY)
    assert problems(routed) == [], routed
    for tag, attrs in elements(routed):
        href = attrs.get("href") if tag == "a" else None
        if href is None:
            continue
        target = URL_NOISE.sub("", href)
        scheme = SCHEME.match(target)
        if scheme and scheme.group(1).lower() in {"http", "https"}:
            raise AssertionError(f"{href!r} leaves Haven without the gateway: {routed}")
        if target.startswith(GATEWAY + "?"):
            destination = parse_qs(urlsplit(target).query)["to"][0]
            assert SCHEME.match(destination).group(1).lower() in {"http", "https"}


def test_the_checker_itself_can_fail() -> None:
    assert href_problem("//evil.example/x") == "another site without a scheme"
    assert href_problem("/\\evil.example") == "another site without a scheme"
    assert href_problem("javascript:alert(1)") == "scheme 'javascript'"
    assert href_problem("java\tscript:alert(1)") == "scheme 'javascript'"
    assert href_problem("/t/1/#post-2") is None
    assert href_problem("mailto:someone@example.org") is None
    assert problems('<a href="x" onclick="y">') == ["attribute 'onclick' on <a>"]
    assert problems('<a href="x" rel="opener">') == ["rel='opener'"]
    assert problems('<img src="http://remote.example/x.png">') == ["tag <img>", "an <img>"]
