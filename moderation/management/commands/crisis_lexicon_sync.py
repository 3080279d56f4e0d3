from django.core.management.base import BaseCommand

from moderation.services.lexicon import lexicon_sync_defaults


class Command(BaseCommand):
    help = (
        "Load the shipped crisis lexicon into the editable table: add new entries, update "
        "shipped entries nobody edited, disable dropped ones. Admins' edits are kept."
    )

    def handle(self, *args, **options) -> None:
        counts = lexicon_sync_defaults()
        self.stdout.write(
            f"Crisis lexicon: {counts['added']} added, {counts['updated']} updated, "
            f"{counts['disabled']} disabled."
        )
