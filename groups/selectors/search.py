"""Search over the posts the viewer may see, never more.

On PostgreSQL: full-text search on ``Post.search_vector`` (kept fresh by triggers, see
migration 0007, GIN-indexed), the query read with ``websearch_to_tsquery`` (quoted
phrases, ``-exclude``, ``or``), ranked with ``ts_rank`` (a title match above a body
match: the title has weight A, the body B) then newest first, with ``ts_headline``
snippets. The configuration is ``english`` for documents, queries and snippets alike:
most posts are in English and stemming is what members expect, while Spanish, French and
German words still match themselves because both sides are read the same way (the
migration's docstring has the full reasoning). On SQLite (the embedded default) a simple
fallback: every word must appear in the body or, for an opening post, the thread title
(``icontains``), a
``-word`` must not, newest first.

Who sees what mirrors ``groups.policies`` as one queryset filter (``_visible``):

- groups: listed groups for every signed-in member, unlisted and private groups for their
  active members, every group for admins (``policies.can_read_group``; unlisted groups
  are searchable only by their members, as the directory lists them only to members,
  so search never makes a link-only group discoverable);
- posts: published, not deleted, in a published thread; facilitators of the group and
  admins (``policies.can_moderate_group``) also find its pending and hidden posts.
  Removed and deleted posts are never found;
- authors: an anonymous post is shown as "Anonymous member" and the author filter does
  not match it, except for its author and the group's moderators
  (``policies.can_see_author``);
- a post with a content warning shows the warning, never its text.

The query text is never logged, audited or stored. Three queries whatever the number of
matches: the viewer's groups (``search_scope``), the count and the page.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from html import escape

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Block, User
from accounts.triggers import Collapse, ContentFilter, filter_for

from .. import policies
from ..models import Membership, Post, SupportGroup

# Keep in step with migration 0007's trigger: documents and queries must be read alike.
SEARCH_CONFIG = "english"
MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 20
ANONYMOUS_LABEL = "Anonymous member"
# ts_headline marks matches with these private-use characters (stripped from the text
# first), so that the whole snippet can be escaped before they become <mark> tags.
_START, _STOP = "\ue000", "\ue001"
# SQLite fallback: the words of a query, a "quoted phrase" as one, "-" to exclude.
_TERM_RE = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
MAX_TERMS = 8
SNIPPET_CHARS = 220


@dataclass
class SearchScope:
    """Which groups the viewer can search (for the group filter too) and moderate."""

    groups: list[SupportGroup]
    readable_ids: set[int]
    moderated_ids: set[int]
    admin: bool


@dataclass
class SearchResult:
    post: Post
    title: str
    group: SupportGroup
    author_label: str
    snippet: SafeString
    content_warning: str
    state_label: str  # for moderators: "Hidden pending review", "Awaiting a facilitator"
    from_blocked: bool = False  # the viewer blocked the author: the snippet is folded
    # Folded by a content warning or the viewer's trigger filters: no snippet is shown.
    collapse: Collapse | None = None
    title_muted: bool = False  # the title has one of the viewer's mute words


@dataclass
class SearchPage:
    results: list[SearchResult]
    page: Page
    query: str
    filters: dict[str, object] = field(default_factory=dict)
    total: int = 0


def search_scope(viewer: User) -> SearchScope:
    """The groups the viewer may search, with their role in each. One query."""
    admin = policies.is_admin(viewer)
    groups = SupportGroup.objects.order_by("name")
    if not viewer.is_authenticated:
        groups = groups.filter(visibility=SupportGroup.Visibility.LISTED)
        return SearchScope(list(groups), {g.pk for g in groups}, set(), False)
    role = Membership.objects.filter(
        group=OuterRef("pk"), user=viewer, status=Membership.Status.ACTIVE
    ).values("role")[:1]
    groups = groups.annotate(viewer_role=Subquery(role))
    if not admin:
        groups = groups.filter(
            Q(visibility=SupportGroup.Visibility.LISTED) | Q(viewer_role__isnull=False)
        )
    rows = list(groups)
    moderated = {g.pk for g in rows if admin or g.viewer_role == Membership.Role.FACILITATOR}
    return SearchScope(rows, {g.pk for g in rows}, moderated, admin)


def _visible(scope: SearchScope) -> Q:
    """The posts the viewer may find (see the module docstring)."""
    shown = Q(state=Post.State.PUBLISHED, thread__is_published=True)
    if scope.moderated_ids:
        shown |= Q(
            thread__group_id__in=scope.moderated_ids,
            state__in=[Post.State.PUBLISHED, Post.State.PENDING, Post.State.HIDDEN],
        )
    return Q(thread__group_id__in=scope.readable_ids, deleted_at__isnull=True) & shown


def _by_author(viewer: User, scope: SearchScope, handle: str) -> Q:
    by = Q(author__handle__iexact=handle)
    if scope.admin:
        return by
    own = Q(author_id=viewer.pk) if viewer.is_authenticated else Q(pk__in=[])
    return by & (Q(is_anonymous=False) | own | Q(thread__group_id__in=scope.moderated_ids))


def search(
    viewer: User,
    *,
    q: str,
    group_slug: str = "",
    author: str = "",
    since: date | None = None,
    until: date | None = None,
    page: str | int = 1,
    scope: SearchScope | None = None,
) -> SearchPage:
    """One page of the posts matching ``q`` that the viewer may see, best first, with
    filters by group (slug), author handle and date range (inclusive, by day). A
    ``scope`` already read for the form's group choices saves its query."""
    scope = scope if scope is not None else search_scope(viewer)
    q = q.replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    posts = Post.objects.filter(_visible(scope))
    if group_slug:
        ids = [g.pk for g in scope.groups if g.slug == group_slug]
        posts = posts.filter(thread__group_id__in=ids)
    if author:
        posts = posts.filter(_by_author(viewer, scope, author.strip().lstrip("@")))
    if since is not None:
        posts = posts.filter(created_at__date__gte=since)
    if until is not None:
        posts = posts.filter(created_at__date__lte=until)
    posts = posts.select_related("author", "thread__group").defer("body_html", "search_vector")
    if viewer.is_authenticated:  # folded like on the thread page (no query of its own)
        posts = posts.annotate(
            author_blocked=Exists(
                Block.objects.filter(blocker_id=viewer.pk, blocked_id=OuterRef("author_id"))
            )
        )
    postgres = connection.vendor == "postgresql"
    terms: list[tuple[bool, str]] = []
    content_filter = filter_for(viewer)
    if postgres:
        # The body is read only to look for the viewer's mute words.
        posts = _full_text(posts, q, with_body=bool(content_filter.words))
    else:
        terms = _terms(q)
        posts = _fallback(posts, terms)
    paginator = Paginator(posts, RESULTS_PER_PAGE)
    page_obj = paginator.get_page(page)
    results = [
        _result(viewer, scope, post, None if postgres else terms, content_filter)
        for post in page_obj.object_list
    ]
    filters = {"group": group_slug, "author": author, "since": since, "until": until}
    return SearchPage(results, page_obj, q, filters, paginator.count)


def _full_text(posts: QuerySet[Post], q: str, *, with_body: bool) -> QuerySet[Post]:
    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
    text = Func(
        F("body"), Value(_START + _STOP), Value(""), function="translate", output_field=TextField()
    )
    headline = SearchHeadline(
        text,
        query,
        config=SEARCH_CONFIG,
        start_sel=_START,
        stop_sel=_STOP,
        max_fragments=2,
    )
    posts = posts.filter(search_vector=query).annotate(
        rank=SearchRank(F("search_vector"), query),
        # A warned post's text never leaves the database for a results page.
        headline=Case(
            When(content_warning="", then=headline), default=Value(""), output_field=TextField()
        ),
    )
    if not with_body:
        posts = posts.defer("body")
    return posts.order_by("-rank", "-created_at", "-pk")


def _terms(q: str) -> list[tuple[bool, str]]:
    """(excluded, text) for each word or "quoted phrase"; ``or`` is ignored."""
    terms = []
    for m in _TERM_RE.finditer(q):
        minus, text = (m.group(1), m.group(2)) if m.group(2) is not None else m.group(3, 4)
        text = text.strip().strip('"')
        if text and text.lower() != "or":
            terms.append((bool(minus), text))
    return terms[:MAX_TERMS]


def _fallback(posts: QuerySet[Post], terms: list[tuple[bool, str]]) -> QuerySet[Post]:
    if not any(not excluded for excluded, _ in terms):
        return posts.none()
    for excluded, text in terms:
        # The title belongs to the opening post, as in the PostgreSQL document.
        found = Q(body__icontains=text) | Q(is_opening=True, thread__title__icontains=text)
        posts = posts.exclude(found) if excluded else posts.filter(found)
    return posts.order_by("-created_at", "-pk")


def _result(
    viewer: User,
    scope: SearchScope,
    post: Post,
    terms: list[tuple[bool, str]] | None,
    content_filter: ContentFilter,
) -> SearchResult:
    thread = post.thread
    moderator = thread.group_id in scope.moderated_ids
    own = viewer.is_authenticated and post.author_id == viewer.pk
    if own:  # the reader's topics and mute words are about what others write
        content_filter = ContentFilter(frozenset())
    title = thread.title if post.is_opening else ""
    body = post.body if content_filter.words else ""
    collapse = content_filter.collapse(
        warning=post.content_warning, topics=post.content_topics, texts=(body, title)
    )
    if collapse is not None:
        snippet = mark_safe("")
    elif terms is None:
        snippet = _marked(post.headline)
    else:
        snippet = _excerpt(post.body, [text for excluded, text in terms if not excluded])
    state_label = "" if post.state == Post.State.PUBLISHED else post.get_state_display()
    label = _author_label(viewer, post, moderator)
    return SearchResult(
        post=post,
        title=thread.title,
        group=thread.group,
        author_label=label,
        snippet=snippet,
        content_warning=post.content_warning,
        state_label=state_label,
        collapse=collapse,
        title_muted=content_filter.mutes(thread.title),
        # Never for an anonymous post: folding it would say who wrote it.
        from_blocked=getattr(post, "author_blocked", False) and label != ANONYMOUS_LABEL,
    )


def _author_label(viewer: User, post: Post, moderator: bool) -> str:
    if post.author is None:
        return "Former member"
    if post.is_anonymous and not policies.can_see_author(viewer, post, moderator=moderator):
        return ANONYMOUS_LABEL
    if post.is_anonymous:
        return f"{post.author.handle} (posted anonymously)"
    return post.author.handle


def _marked(headline: str) -> SafeString:
    """ts_headline's output escaped, then its match sentinels made <mark> tags."""
    html = escape(headline or "").replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(html)  # noqa: S308 -- escaped above; only our <mark> tags remain


def _excerpt(body: str, words: list[str]) -> SafeString:
    """About SNIPPET_CHARS of the body around the first match, every match marked; the
    text is escaped piece by piece before the <mark> tags go in."""
    words = [w for w in words if w]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
    first = pattern.search(body) if pattern else None
    start = max(0, first.start() - SNIPPET_CHARS // 3) if first else 0
    end = min(len(body), start + SNIPPET_CHARS)
    window = body[start:end]
    pieces, at = [], 0
    for match in pattern.finditer(window) if pattern else []:
        pieces.append(escape(window[at : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        at = match.end()
    pieces.append(escape(window[at:]))
    html = ("…" if start else "") + "".join(pieces) + ("…" if end < len(body) else "")
    return mark_safe(html)  # noqa: S308 -- every piece of member text is escaped
