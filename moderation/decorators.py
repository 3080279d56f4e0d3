"""The gate in front of every moderation page: signed in, a facilitator or admin, and
with two-factor authentication (TOTP) set up. Views stay thin; the rule lives in
``policies.check_moderator`` and allauth.mfa."""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import policies


def moderator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def gated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        policies.check_moderator(request.user)
        if not is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
            messages.info(
                request,
                "Moderation pages show people's private disclosures, so they need two-factor "
                "authentication. Please set up an authenticator app first; it takes a minute.",
            )
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('mfa_activate_totp')}?{query}")
        return view(request, *args, **kwargs)

    return gated
