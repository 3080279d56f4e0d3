"""Facts about the viewer kept for one request (memberships, roles, e-mail, sanctions,
counts), asked by the policies and selectors many times a page and loaded once.

They live on the user object itself. ``request.user`` is a lazy proxy whose own
``__dict__`` is not the user's, so every reader and writer goes through ``memo``: facts
loaded with the user (``accounts.backends``) and facts asked later are in one place."""

from django.utils.functional import LazyObject, empty


def memo(user) -> dict:
    """The dict the viewer's facts are kept in (the user object's own)."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped.__dict__
    return user.__dict__
