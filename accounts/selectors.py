from django.core.paginator import Page, Paginator

from .models import Notification, User


def notifications_page(viewer: User, *, page: str | int | None) -> Page:
    """The member's notifications, newest first, with who acted and the post (to link to
    it and to keep an anonymous author unnamed). Two queries (count, page)."""
    notifications = Notification.objects.filter(recipient=viewer).select_related("actor", "post")
    paginator = Paginator(notifications, 30)
    return paginator.get_page(page)


def unread_notification_count(viewer: User) -> int:
    if not viewer.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True).count()
