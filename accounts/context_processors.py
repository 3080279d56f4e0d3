from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors
from .viewer import memo


def notifications(request: HttpRequest) -> dict:
    """The unread count in the navigation: loaded with the signed-in user, else one query
    and only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if "_haven_unread" in memo(user):  # loaded with the user (accounts.backends)
        return {"unread_notifications": memo(user)["_haven_unread"]}
    return {
        "unread_notifications": SimpleLazyObject(lambda: selectors.unread_notification_count(user))
    }
