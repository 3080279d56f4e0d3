"""The one place that turns member-written text into HTML.

Markdown (CommonMark via markdown-it-py, raw HTML disabled, bare links linkified) is
rendered once at write time, then sanitised with nh3 against a strict allow-list. Every
template that marks member content ``|safe`` shows a field produced here and nowhere else.
"""

import html as html_lib
import re
from collections.abc import Collection
from typing import Any
from urllib.parse import urlencode

import nh3
from django.urls import reverse
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"


def _render_image_as_link(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Haven shows no remote images (they leak readers' IP addresses to the image host and
    can surprise people with distressing pictures): an image becomes a plain link."""
    token = tokens[idx]
    alt = escapeHtml(self.renderInlineAsText(token.children or [], options, env)) or "image"
    src = escapeHtml(str(token.attrGet("src") or ""))
    return f'<a href="{src}">{alt} (image link)</a>'


def _shifted_heading(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Member headings start at h3 so they never compete with the page's own h1/h2.
    Used for both the opening and the closing tag."""
    level = min(int(tokens[idx].tag[1]) + 2, 6)
    tokens[idx].tag = f"h{level}"
    return self.renderToken(tokens, idx, options, env)


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["linkify", "strikethrough", "table"])
    md.add_render_rule("image", _render_image_as_link)
    md.add_render_rule("heading_open", _shifted_heading)
    md.add_render_rule("heading_close", _shifted_heading)
    md.validateLink = _validate_link
    return md


# What browsers drop from a URL before reading it (ASCII whitespace and controls).
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")


def _validate_link(url: str) -> bool:
    """An http, https or mailto address, or a reference within Haven (a path, query or
    fragment). A protocol-relative ``//host`` is another site without a scheme: refused,
    so it cannot slip past ``links_via`` (markdown-it has percent-encoded backslashes)."""
    if _URL_NOISE.sub("", url).startswith(("//", "/\\", "\\")):
        return False
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    return scheme in URL_SCHEMES or scheme == ""


_MD = _build_markdown()
MAX_SOURCE_CHARS = 20000


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes and address schemes of ``html``."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Render member Markdown to sanitised HTML. Pure and deterministic; never raises on
    any string (the Big List of Naughty Strings is in its tests)."""
    source = text.replace("\x00", "\ufffd")
    return sanitise(_MD.render(source))


def render_plain(text: str) -> str:
    """Escape text for places that must never contain markup (titles in feeds, e-mail)."""
    return nh3.clean_text(text)


# @handle: not after a word character, "@" or "/" (e-mail addresses, paths), and the
# handle as accounts.validators allows it (a letter first, a letter or digit last).
MENTION_RE = re.compile(r"(?<![\w@/.])@([A-Za-z][A-Za-z0-9_-]{0,28}[A-Za-z0-9])")
_TAG_RE = re.compile(r"(<[^>]*>)")
_NO_MENTION_TAGS = {"a", "code", "pre"}
MENTION_LINK_RE = re.compile(r'<a class="mention" href="[^"]*" data-handle="([A-Za-z0-9_-]+)">')


def _outside_code_and_links(html: str):
    """Yield (is_text_to_scan, piece) over sanitised HTML: text inside <a>, <code> and
    <pre> is never scanned. Works on nh3's output, whose tags are well formed."""
    depth = 0
    for piece in _TAG_RE.split(html):
        if piece.startswith("<"):
            name = piece[1:].lstrip("/").split(None, 1)[0].rstrip(">").rstrip("/").lower()
            if name in _NO_MENTION_TAGS:
                depth += -1 if piece.startswith("</") else 1
                depth = max(depth, 0)
            yield False, piece
        else:
            yield depth == 0, piece


def mentions_in(html: str) -> set[str]:
    """The handles (lower case) written as @handle in sanitised HTML, outside code blocks
    and links."""
    found: set[str] = set()
    for scan, piece in _outside_code_and_links(html):
        if scan:
            found.update(match.lower() for match in MENTION_RE.findall(piece))
    return found


def link_mentions(html: str, handles: Collection[str]) -> str:
    """Turn @handle into a link to the member's card, for the (lower-case) ``handles``
    that exist. Runs after sanitising: the handle pattern admits no markup characters."""
    known = {h.lower() for h in handles}
    if not known:
        return html

    def link(match: re.Match) -> str:
        handle = match.group(1)
        if handle.lower() not in known:
            return match.group(0)
        url = reverse("accounts:member_card", args=[handle])
        return f'<a class="mention" href="{url}" data-handle="{handle}">@{handle}</a>'

    return "".join(
        MENTION_RE.sub(link, piece) if scan else piece
        for scan, piece in _outside_code_and_links(html)
    )


def linked_mentions(html: str) -> set[str]:
    """The handles (lower case) a rendered post links as mentions."""
    return {handle.lower() for handle in MENTION_LINK_RE.findall(html)}


__all__: list[Any] = [
    "link_mentions",
    "linked_mentions",
    "mentions_in",
    "render_markdown",
    "render_plain",
    "sanitise",
]


_EXTERNAL_HREF = re.compile(r'href="((?i:https?):[^"]*)"')


def links_via(html: str, gateway: str) -> str:
    """Sanitised HTML with every link to another site sent through ``gateway`` (the "show
    me where a link leads" page) as ``gateway?to=<url>``; links within Haven unchanged."""

    def through(match: re.Match) -> str:
        target = html_lib.unescape(match.group(1))
        return f'href="{html_lib.escape(gateway + "?" + urlencode({"to": target}))}"'

    return _EXTERNAL_HREF.sub(through, html)
