"""The one customisation seam for allauth: the account adapter, the MFA adapter (secrets
encrypted at rest) and the session rules around allauth's signals."""

from functools import lru_cache

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.http import HttpRequest

from .validators import HANDLE_VALIDATORS

# What a ``usersessions.UserSession`` keeps instead of the member's address: Haven keeps
# no IP addresses (tests/accounts/test_no_ip.py). The unspecified address, never a real one.
NO_IP = "0.0.0.0"  # noqa: S104 (a placeholder, nothing listens on it)


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

    def pre_login(self, request: HttpRequest, user, **kwargs):
        """The password was right: a new session key before the next step (the two-factor
        code, or signing in, which changes it again), so a key seen before sign-in is
        worth nothing after it."""
        response = super().pre_login(request, user, **kwargs)
        if response is None:
            request.session.cycle_key()
        return response

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


# --- MFA secrets at rest ---------------------------------------------------------------

ENCRYPTED_PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _keys() -> tuple[str, ...]:
    return tuple(settings.MFA_ENCRYPTION_KEYS)


def is_encrypted(value: object) -> bool:
    return isinstance(value, str) and value.startswith(ENCRYPTED_PREFIX)


def encrypt_secret(text: str) -> str:
    """``text`` encrypted with the first of ``MFA_ENCRYPTION_KEYS``, marked as ours."""
    return ENCRYPTED_PREFIX + _fernet(_keys()).encrypt(text.encode()).decode("ascii")


def decrypt_secret(value: str) -> str:
    """The text ``encrypt_secret`` made, with any of ``MFA_ENCRYPTION_KEYS``. A value that is
    not encrypted, or that no key opens, is an error: never a silent fallback to plaintext."""
    if not is_encrypted(value):
        raise ValueError("This two-factor secret is not encrypted: run the migrations.")
    try:
        return _fernet(_keys()).decrypt(value[len(ENCRYPTED_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError(
            "No MFA_ENCRYPTION_KEY opens this two-factor secret: was a key removed?"
        ) from exc


class HavenMFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored Fernet-encrypted (allauth passes
    them through ``encrypt``/``decrypt``), with keys from ``MFA_ENCRYPTION_KEY``."""

    def encrypt(self, text: str) -> str:
        return encrypt_secret(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_secret(encrypted_text)


# --- Sessions (allauth.usersessions and allauth's signals) ----------------------------------


def _no_ip(sender, instance, **kwargs) -> None:
    """allauth.usersessions records the client's address with each session; Haven does not
    keep IP addresses, so the row gets the unspecified address instead."""
    instance.ip = NO_IP


def _end_other_sessions(sender, request, user, **kwargs) -> None:
    """A changed (or newly set) password signs the member out everywhere else; this
    session stays signed in (``ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False``). Sessions allauth
    does not list are refused anyway: their password hash no longer matches."""
    from allauth.usersessions.internal.flows.sessions import end_other_sessions

    end_other_sessions(request, user)


def _forget_ended_session(sender, request, user, **kwargs) -> None:
    """Signing out deletes the server-side session (Django flushes it); its line in the
    member's session list goes with it."""
    from allauth.usersessions.models import UserSession

    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


def _end_all_sessions(sender, request, user, **kwargs) -> None:
    """A password reset (someone may have had the old one) ends every session."""
    from allauth.usersessions.models import UserSession

    for session in UserSession.objects.filter(user_id=user.pk):
        session.end()


def _rotate_after_reauthentication(sender, request, user, reauthenticated=False, **kwargs):
    """Confirming a two-factor code on a signed-in session raises what it may do (the
    moderation area): a new session key, as at sign-in, and the session list follows it."""
    if not reauthenticated or request is None:
        return
    from allauth.usersessions.models import UserSession

    old_key = request.session.session_key
    request.session.cycle_key()
    if old_key:
        UserSession.objects.filter(session_key=old_key).update(
            session_key=request.session.session_key
        )


def connect_signals() -> None:
    """Idempotent (``dispatch_uid``); called from ``AccountsConfig.ready``, so sign-ins
    outside a request are covered too."""
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals
    from allauth.usersessions.models import UserSession
    from django.contrib.auth.signals import user_logged_in, user_logged_out
    from django.db.models.signals import pre_save

    from supportforum.middleware import stamp_activity

    pre_save.connect(_no_ip, sender=UserSession, dispatch_uid="haven.usersession_no_ip")
    user_logged_out.connect(_forget_ended_session, dispatch_uid="haven.forget_ended_session")
    user_logged_in.connect(stamp_activity, dispatch_uid="haven.stamp_activity")
    for signal in (account_signals.password_changed, account_signals.password_set):
        signal.connect(_end_other_sessions, dispatch_uid=f"haven.end_other.{id(signal)}")
    account_signals.password_reset.connect(_end_all_sessions, dispatch_uid="haven.end_all")
    mfa_signals.authenticator_used.connect(
        _rotate_after_reauthentication, dispatch_uid="haven.rotate_after_reauth"
    )
