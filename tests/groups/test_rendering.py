import html as htmllib
import json
import re
from pathlib import Path

import pytest

from groups.rendering import render_markdown

BLNS = Path(__file__).resolve().parents[1] / "corpora" / "blns.json"

pytestmark = pytest.mark.embedded

SAFE_SCHEMES = {"http", "https", "mailto", ""}


def _link_schemes(html: str) -> set[str]:
    schemes = set()
    for href in re.findall(r'href="([^"]*)"', html):
        target = htmllib.unescape(href).strip().lower()
        schemes.add(target.split(":", 1)[0] if re.match(r"^[a-z][a-z0-9+.-]*:", target) else "")
    return schemes


def _tags(html: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", html)}


def test_render_markdown_formats_commonmark() -> None:
    html = render_markdown("Some *kind* words and **strong** ones\n\n- one\n- two")
    assert "<em>kind</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<li>one</li>" in html


def test_render_markdown_escapes_raw_html() -> None:
    html = render_markdown('<script>alert(1)</script><img src=x onerror="alert(1)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox(1))",
        "<a href='javascript:alert(1)'>x</a>",
        "[click](java\tscript:alert(1))",
    ],
)
def test_render_markdown_refuses_dangerous_link_schemes(source: str) -> None:
    html = render_markdown(source)
    assert _link_schemes(html) <= SAFE_SCHEMES


def test_render_markdown_links_get_safe_rel_and_are_linkified() -> None:
    html = render_markdown("See https://www.samaritans.org/ for help")
    assert 'href="https://www.samaritans.org/"' in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html


def test_render_markdown_turns_images_into_links_never_img_tags() -> None:
    html = render_markdown("![a cat](https://tracker.example/cat.png)")
    assert "<img" not in html
    assert 'href="https://tracker.example/cat.png"' in html
    assert "a cat" in html


def test_render_markdown_member_headings_start_at_h3() -> None:
    html = render_markdown("# Big\n\n## Smaller")
    assert "<h1" not in html and "<h2" not in html
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html


def test_render_markdown_survives_every_naughty_string() -> None:
    strings = json.loads(BLNS.read_text(encoding="utf-8"))
    assert len(strings) > 500
    allowed = {"p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "br", "hr", "del", "s"}
    allowed |= {"blockquote", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
    for text in strings:
        html = render_markdown(text)
        assert _tags(html) <= allowed, text
        assert _link_schemes(html) <= SAFE_SCHEMES, text
        # Attributes are limited to href/title/rel/start/align: no event handlers.
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", html, flags=re.IGNORECASE), text


def test_mentions_linked_outside_code_and_links_only() -> None:
    from groups.rendering import link_mentions, linked_mentions, mentions_in, render_markdown

    html = render_markdown(
        "Hi @Slow_Tide, mail a@b.org, `@code_name`, [@in_link](https://x.org)\n\n    @in_pre"
    )
    assert mentions_in(html) == {"slow_tide"}
    linked = link_mentions(html, {"slow_tide", "code_name", "in_link", "in_pre"})
    assert (
        '<a class="mention" href="/members/Slow_Tide/" data-handle="Slow_Tide">@Slow_Tide</a>'
        in linked
    )
    assert "<code>@code_name</code>" in linked and "@in_pre" in linked
    assert linked_mentions(linked) == {"slow_tide"}
    assert link_mentions(html, set()) == html


def test_mention_cannot_smuggle_markup() -> None:
    from groups.rendering import link_mentions, render_markdown

    html = link_mentions(render_markdown('@abc"><script>x</script>'), {"abc"})
    assert "<script>" not in html
    assert 'data-handle="abc"' in html


@pytest.mark.parametrize(
    "source",
    [
        "//evil.example/x",  # linkify took this for a link
        "<//evil.example>",
        "[a](//evil.example/x)",
        "[a]( //evil.example )",
        "![i](//remote.example/x.png)",
    ],
)
def test_render_markdown_refuses_protocol_relative_links(source: str) -> None:
    """Found by the property tests: ``//host`` is another site without a scheme, so it
    went past the "show me where a link leads" page (links_via matches http/https)."""
    html = render_markdown(source)
    assert 'href="//' not in html
    assert "evil.example" in html or "remote.example" in html  # shown as text


def test_links_via_sends_any_letter_case_of_http_through_the_gateway() -> None:
    """Found by the property tests: ``HTTPS://`` links went straight to the other site."""
    from groups.rendering import links_via

    html = links_via(render_markdown("[a](HTTPS://Evil.Example/x) and [b](Http://x.org)"), "/go/")
    assert 'href="HTTPS:' not in html and 'href="Http:' not in html
    assert html.count('href="/go/?to=') == 2
