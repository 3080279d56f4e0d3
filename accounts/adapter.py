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
