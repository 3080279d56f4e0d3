from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors


def notifications(request: HttpRequest) -> dict:
    """The unread count in the navigation: one query, and only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(lambda: selectors.unread_notification_count(user))
    }
