from django import template
from django.http import HttpRequest

from groups.models import SupportGroup

from .. import policies
from ..selectors.coverage import group_cover_shown, viewer_on_duty

register = template.Library()


@register.simple_tag
def group_has_cover(group: SupportGroup) -> bool:
    """Whether a facilitator of ``group`` is on duty now, for members (kept a few
    seconds for every reader: ``coverage.group_cover_shown``)."""
    return group_cover_shown(group)


@register.inclusion_tag("moderation/_duty_switch.html", takes_context=True)
def duty_switch(context: template.Context) -> dict:
    """The on/off duty switch in the moderation navigation (one query). Not shown to an
    admin who facilitates no group: their duty would cover nobody."""
    request: HttpRequest = context["request"]
    if not policies.moderated_group_ids(request.user):
        return {"hidden": True}
    return {
        "on_duty": viewer_on_duty(request.user),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
