import uuid
from functools import lru_cache

from django import template
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from groups import policies
from groups.forms import ReplyForm
from groups.models import Membership, SupportGroup
from groups.rendering import links_via
from groups.selectors.cards import GroupCardFace, PostCard, group_card_face, post_card
from supportforum import ages

register = template.Library()


@register.filter
def age(moment) -> str:
    """``timesince``'s words to the minute, remembered (supportforum.ages): for lists."""
    return ages.age(moment)


@register.simple_tag(takes_context=True)
def membership_of(context: template.Context, group: SupportGroup) -> Membership | None:
    """The viewer's membership of ``group`` (memoised by policies: no query if the page's
    selector already asked)."""
    user: User = context["request"].user
    return policies.membership_for(user, group)


@register.filter
def has_sanctions(user: User) -> bool:
    """Warnings to acknowledge or sanctions in force (memoised: asked by posting checks)."""
    return bool(policies.sanctions_in_force(user))


@register.filter
def links_for(html: str, user: User):
    """Post or note HTML as ``user`` reads it: links to other sites go through the "show
    me where a link leads" page if they chose it in their settings."""
    return links_via_page(html, getattr(user, "link_interstitial", False))


@register.filter
def links_via_page(html: str, via_page: bool):
    """``links_for`` with the reader's choice already read (post cards hold no user)."""
    if via_page:
        return mark_safe(links_via(html, reverse("groups:link_out")))  # noqa: S308
    return mark_safe(html)  # noqa: S308 -- sanitised when the post was saved


# Stands for the CSRF field in a kept fragment; nh3 strips comments from post HTML and
# every other value is escaped, so only the template's own forms carry it.
CSRF_SLOT = "<!--haven-csrf-->"
# Rendered posts kept per process, by card (a typical post ~3 kB of HTML, ~6 MB).
POST_HTML_KEPT = 2048


@lru_cache(maxsize=POST_HTML_KEPT)
def _post_html(card: PostCard) -> str:
    slot = mark_safe(CSRF_SLOT)  # noqa: S308 -- a fixed comment, replaced on the way out
    return render_to_string("groups/_post.html", {"c": card, "csrf_input": slot})


def _csrf_field(request) -> str:
    """The CSRF field of this request's forms, masked once per request (not per post)."""
    field = getattr(request, "_haven_csrf_field", None)
    if field is None:
        field = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        )
        request._haven_csrf_field = field
    return field


@register.simple_tag(takes_context=True)
def post_html(context: template.Context, pv, moderator: bool) -> SafeString:
    """One post of a thread as ``groups/_post.html`` renders its card for this reader;
    equal cards share the HTML (see groups/selectors/cards.py)."""
    request = context["request"]
    html = _post_html(post_card(pv, viewer=request.user, moderator=moderator))
    return mark_safe(html.replace(CSRF_SLOT, _csrf_field(request)))  # noqa: S308


@register.simple_tag
def group_card_html(card) -> SafeString:
    """A group's card in the directory (``groups/_group_card.html``); equal faces share
    the HTML (see ``groups.selectors.cards.GroupCardFace``)."""
    return mark_safe(_group_card_html(group_card_face(card)))  # noqa: S308 -- rendered escaped


@lru_cache(maxsize=1024)
def _group_card_html(face: GroupCardFace) -> str:
    return render_to_string("groups/_group_card.html", {"c": face})


# Stands in the cached reply box for the form's own token, new in each page.
SUBMISSION_SLOT = "haven-submission-slot"


@register.simple_tag
def blank_reply_form(anonymous_allowed: bool) -> SafeString:
    """The reply box's empty form under a thread, with a token of its own (see
    ``Post.submission``)."""
    html = _blank_reply_form(anonymous_allowed)
    return mark_safe(html.replace(SUBMISSION_SLOT, uuid.uuid4().hex))  # noqa: S308


@lru_cache(maxsize=2)
def _blank_reply_form(anonymous_allowed: bool) -> str:
    """The same for every reader of groups alike, so rendered once per process (a bound
    form with errors has its own page)."""
    form = ReplyForm(allow_anonymous=anonymous_allowed, initial={"submission": SUBMISSION_SLOT})
    html = str(form.as_div())
    return html
