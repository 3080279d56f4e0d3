from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Django's and allauth's auth signals are the frameworks' documented hooks (not
        # domain signals): log-ins, failures, password and MFA changes become security
        # events (supportforum/security_log.py).
        from supportforum.security_log import connect_auth_signals

        from .adapter import connect_signals

        connect_auth_signals()
        # Sessions: a password change ends the others, no address in the sessions list,
        # activity stamped at sign-in (accounts/adapter.py).
        connect_signals()
