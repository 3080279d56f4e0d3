from django.db.models import Q

from groups.models import SupportGroup

from ..models import Guideline


def site_rules() -> list[Guideline]:
    return list(Guideline.objects.filter(group__isnull=True).order_by("number"))


def group_rules(group: SupportGroup) -> list[Guideline]:
    """The group's own rules (the site rules apply everywhere and are linked, not repeated)."""
    return list(Guideline.objects.filter(group=group).order_by("number"))


def citable_rules(group: SupportGroup | None) -> list[Guideline]:
    """The rules a removal or sanction in ``group`` may cite: the site's, then the group's."""
    scope = Q(group__isnull=True) | Q(group=group) if group else Q(group__isnull=True)
    return list(
        Guideline.objects.filter(scope).select_related("group").order_by("-group_id", "number")
    )
