"""Social-media profile links and handles given with platform context."""

from __future__ import annotations

import re

from .base import _Candidate, _scan

_PLATFORM_DOMAINS = (
    r"instagram\.com|instagr\.am|twitter\.com|x\.com|facebook\.com|fb\.com|fb\.me|"
    r"m\.me|tiktok\.com|linkedin\.com|snapchat\.com|reddit\.com|t\.me|telegram\.me|"
    r"discord\.gg|discord\.com|discordapp\.com|youtube\.com|youtu\.be|wa\.me|"
    r"threads\.net|threads\.com|tumblr\.com|pinterest\.com|twitch\.tv|bsky\.app|"
    r"kik\.me|onlyfans\.com|patreon\.com|vk\.com"
)
_PROFILE_LINK = re.compile(
    r"(?i)(?<![\w./@-])(?:https?://)?(?:(?:www|m|mobile|vm|vt|old|new|[a-z]{2})\.)?"
    rf"(?P<domain>{_PLATFORM_DOMAINS})"
    r"/(?P<path>@?[\w.%~-]{1,100}(?:/@?[\w.%~-]{1,100}){0,3}/?"
    r"(?:\?[\w=&%.-]{1,100})?)"
)
_NOT_PROFILE = frozenset(
    {
        "home", "explore", "login", "signup", "search", "about", "help", "settings",
        "hashtag", "share", "watch", "results", "embed", "r", "terms", "privacy",
        "policies", "legal", "jobs", "feed", "notifications", "messages", "i", "intent",
        "shorts", "playlist", "hashtags", "tag", "tags", "topics", "discover",
    }
)  # fmt: skip
_REDDIT_USER = re.compile(r"(?<![\w/.])/?u/[A-Za-z0-9_-]{3,20}(?![\w/])")

_PLATFORM_WORD = (
    r"instagram|insta|ig|twitter|tiktok|tik\s?tok|snapchat|snap|sc|facebook|fb|telegram|"
    r"tg|discord|reddit|threads|linkedin|youtube|yt|twitch|kik|tumblr|bluesky|bsky|"
    r"mastodon|pinterest|onlyfans|x"
)
_HANDLE = r"(?P<handle>@[A-Za-z0-9_.]{1,30}|[A-Za-z0-9_][A-Za-z0-9_.\-]{1,31}(?:#[0-9]{4})?)"
_SOCIAL_BEFORE = re.compile(
    rf"(?i)\b(?P<platform>{_PLATFORM_WORD})(?:'s)?"
    r"(?:[ \t]{1,2}(?:handle|username|user\s?name|name|account|acct|id|@))?"
    r"(?P<sep>[ \t]{0,2}(?:is|[:=\-\u2013\u2014]|->|=>)[ \t]{0,2}|[ \t]{1,2}(?=@))"
    rf"{_HANDLE}"
)
_SOCIAL_AFTER = re.compile(
    rf"(?<![\w@.])(?P<handle>@[A-Za-z0-9_.]{{1,30}}|[A-Za-z0-9_][A-Za-z0-9_.]{{2,30}})"
    r"(?i:[ \t]{1,3}(?:on|at|in|over[ \t]on|via)[ \t]{1,3}(?:the[ \t])?"
    rf"(?P<platform>{_PLATFORM_WORD})\b|[ \t]{{0,2}}\((?P<platform2>{_PLATFORM_WORD})\))"
)
_NOT_HANDLES = frozenset(
    {
        "private", "public", "down", "deleted", "gone", "off", "dead", "banned", "closed",
        "locked", "hacked", "suspended", "inactive", "deactivated", "broken", "empty",
        "new", "old", "same", "there", "here", "it", "this", "that", "not", "a", "an",
        "the", "my", "your", "me", "you", "him", "her", "them", "us", "and", "or", "but",
        "so", "too", "very", "really", "toxic", "addictive", "awful", "great", "bad",
        "good", "fine", "ok", "okay", "just", "where", "what", "why", "how", "when", "now",
        "full", "still", "also", "mostly", "all", "back", "on", "in", "at", "for", "with",
        "because", "memes", "people", "stuff", "everything", "nothing", "something",
        "nope", "no", "yes", "nah", "never", "none",
    }
)  # fmt: skip
_HANDLEISH = re.compile(r"[0-9_]|[A-Za-z]\.[A-Za-z]")


def _handle_ok(handle: str, sep: str, platform: str) -> bool:
    handle = handle.rstrip(".-")
    if handle.startswith("@"):
        return len(handle) > 1
    if platform.lower() in {"x", "sc", "threads", "yt", "tg"}:
        return False  # too ambiguous without an "@"
    if handle.lower() in _NOT_HANDLES or handle.isdigit():
        return False
    if _HANDLEISH.search(handle):
        return True
    return sep.strip() in {":", "="} and len(handle) >= 3


def _find_social(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []

    def link_ok(m: re.Match[str]) -> bool:
        first = m.group("path").split("/")[0].split("?")[0].lower()
        return bool(first) and first not in _NOT_PROFILE

    for m in _scan(_PROFILE_LINK, text, link_ok):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,-":
            end -= 1
        found.append((m.start(), end, "social"))
    found += [(m.start(), m.end(), "social") for m in _REDDIT_USER.finditer(text)]

    for m in _scan(
        _SOCIAL_BEFORE,
        text,
        lambda m: _handle_ok(m.group("handle"), m.group("sep"), m.group("platform")),
    ):
        start, end = m.start("handle"), m.end("handle")
        while text[end - 1] in ".-":
            end -= 1
        found.append((start, end, "social"))

    def after_ok(m: re.Match[str]) -> bool:
        h = m.group("handle")
        return h.startswith("@") or (
            h.lower() not in _NOT_HANDLES and _HANDLEISH.search(h) is not None
        )

    for m in _scan(_SOCIAL_AFTER, text, after_ok):
        start, end = m.start("handle"), m.end("handle")
        while text[end - 1] == ".":
            end -= 1
        found.append((start, end, "social"))
    return found
