"""Every HTML template a browser renders keeps to the Content-Security-Policy: no inline
script, no inline event handler, no inline style, no ``javascript:`` address. (The
policy would block them in the browser; this finds them before anyone sees a broken page.)

E-mail templates are left out: mail clients, not browsers under our policy, read them,
and many only understand inline styles."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]

SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>", re.IGNORECASE)
# Data islands are not executed: the policy allows them and so do we.
DATA_TYPE = re.compile(r"""\btype\s*=\s*["']?application/(ld\+)?json""", re.IGNORECASE)
FORBIDDEN = {
    "inline event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "inline style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "javascript URL": re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE),
}

pytestmark = pytest.mark.embedded


def browser_templates() -> list[Path]:
    found = [
        path
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*.html")
        if "email" not in path.relative_to(directory).parts
    ]
    return sorted(found)


def problems_in(text: str) -> list[str]:
    problems = []
    for match in SCRIPT.finditer(text):
        attrs = match.group("attrs")
        if not re.search(r"\bsrc\s*=", attrs, re.IGNORECASE) and not DATA_TYPE.search(attrs):
            problems.append(f"inline script: {match.group(0)}")
    for name, pattern in FORBIDDEN.items():
        problems.extend(f"{name}: {m.group(0)[:80]}" for m in pattern.finditer(text))
    return problems


def test_browser_templates_are_found() -> None:
    names = {path.name for path in browser_templates()}
    # The walk sees the templates people see most, and no e-mail.
    assert {"base.html", "thread_detail.html", "queue.html"} <= names
    assert not any("email" in path.parts for path in browser_templates())


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("<script>alert(1)</script>", "inline script"),
        ('<script type="module">x()</script>', "inline script"),
        ('<button onclick="go()">Go</button>', "inline event handler"),
        ("<a href='#' onMouseOver = 'x()'>x</a>", "inline event handler"),
        ('<p style="color: red">', "inline style attribute"),
        ("<style>p {}</style>", "style element"),
        ('<a href="javascript:void(0)">x</a>', "javascript URL"),
    ],
)
def test_problems_in_finds_what_the_policy_blocks(snippet: str, expected: str) -> None:
    assert [p.split(":")[0] for p in problems_in(snippet)] == [expected]


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'js/haven.js' %}\" defer></script>",
        '<script type="application/json" id="data">{"a": 1}</script>',
        '<a href="/groups/" data-on="x" class="button">Groups</a>',
        "<p>Be kind. Words like onion= or style= in prose are fine.</p>",
    ],
)
def test_problems_in_allows_what_the_policy_allows(snippet: str) -> None:
    assert problems_in(snippet) == []


def test_no_browser_template_needs_unsafe_inline() -> None:
    found = {
        str(path.relative_to(ROOT)): problems
        for path in browser_templates()
        if (problems := problems_in(path.read_text(encoding="utf-8")))
    }
    assert found == {}
