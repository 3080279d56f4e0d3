"""The one customisation seam for allauth."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from .validators import HANDLE_VALIDATORS


class HavenAccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        # allauth checks uniqueness case-insensitively; these add Haven's handle rules
        # in the same order the model field applies them, so the first message is the
        # most useful one.
        for validator in HANDLE_VALIDATORS:
            validator(username)
        return super().clean_username(username, shallow=shallow)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True

    def post_login(self, request: HttpRequest, user, **kwargs):
        """Signing in during the grace period after asking to delete the account keeps
        it (accounts.services.account_erasure_cancel)."""
        from django.contrib import messages

        from .services import account_erasure_cancel

        response = super().post_login(request, user, **kwargs)
        if account_erasure_cancel(user=user):
            messages.success(
                request, "Welcome back. Your account will not be deleted: nothing has changed."
            )
        return response
