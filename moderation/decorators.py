"""The gate in front of every moderation page: signed in, a facilitator or admin, with
two-factor authentication (TOTP) set up, and THIS session having passed it (at sign-in,
or by confirming a code since). Views stay thin; the rule lives in
``policies.check_moderator`` and allauth.mfa."""

from collections.abc import Callable
from functools import wraps
from types import SimpleNamespace
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import policies


def session_passed_mfa(session, user) -> bool:
    """Whether ``session`` (a request's or a websocket's) records a two-factor step by
    ``user``, as allauth.mfa records it at sign-in or reauthentication."""
    records = get_authentication_records(SimpleNamespace(session=session), user)
    return any(record.get("method") == "mfa" for record in records)


def moderator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def gated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        policies.check_moderator(request.user)
        query = urlencode({"next": request.get_full_path()})
        if not is_mfa_enabled(request.user, [Authenticator.Type.TOTP]):
            messages.info(
                request,
                "Moderation pages show people's private disclosures, so they need two-factor "
                "authentication. Please set up an authenticator app first; it takes a minute.",
            )
            return redirect(f"{reverse('mfa_activate_totp')}?{query}")
        if not session_passed_mfa(request.session, request.user):
            messages.info(
                request,
                "Moderation pages show people's private disclosures: please confirm it's you "
                "with a code from your authenticator app.",
            )
            return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return view(request, *args, **kwargs)

    return gated
