from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import policies
from .selectors.queue import review_counts_for


@dataclass
class ReviewNav:
    is_moderator: bool
    open_count: int


def review_nav(request: HttpRequest) -> dict:
    """The "Review queue" link and its count for facilitators and admins: one query to
    know the role (memoised), one more for the count, only if a template shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def build() -> ReviewNav:
        if not policies.is_moderator(user):
            return ReviewNav(is_moderator=False, open_count=0)
        return ReviewNav(is_moderator=True, open_count=review_counts_for(user)["all"])

    return {"review_nav": SimpleLazyObject(build)}
