from django import template

from accounts.models import User
from groups import policies
from groups.models import Membership, SupportGroup

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
