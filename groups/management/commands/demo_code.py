"""Print the current two-factor code of a demo staff account (demo data only)."""

import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand, CommandError, CommandParser

from .seed_demo import DEMO_DOMAIN, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current authenticator code for a demo account (…@haven.example)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if not email.lower().endswith(f"@{DEMO_DOMAIN}"):
            raise CommandError(f"Only demo accounts (…@{DEMO_DOMAIN}) have a public secret.")
        counter = int(time.time()) // 30
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
