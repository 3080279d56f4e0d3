from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from accounts.models import User
from groups import policies
from groups.models import Membership, SupportGroup
from groups.rendering import links_via

register = template.Library()


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
    if getattr(user, "link_interstitial", False):
        return mark_safe(links_via(html, reverse("groups:link_out")))  # noqa: S308
    return mark_safe(html)  # noqa: S308 -- sanitised when the post was saved
