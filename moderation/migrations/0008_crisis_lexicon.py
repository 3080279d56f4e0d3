"""Load the shipped crisis lexicon into the editable table (the same rule as
``services.lexicon.lexicon_sync_defaults``: add what is missing). Later releases that
change the shipped files run ``manage.py crisis_lexicon_sync``."""

from django.db import migrations

FIELDS = (
    "pattern",
    "kind",
    "signal",
    "severity",
    "language",
    "first_person",
    "examples",
    "counter_examples",
)


def load(apps, schema_editor):
    from moderation.crisis.lexicon import load_entries

    LexiconEntry = apps.get_model("moderation", "LexiconEntry")
    existing = set(LexiconEntry.objects.values_list("key", flat=True))
    LexiconEntry.objects.bulk_create(
        [
            LexiconEntry(
                key=entry["key"],
                from_default=True,
                **{name: entry[name] for name in FIELDS if name in entry},
            )
            for entry in load_entries()
            if entry["key"] not in existing
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0007_crisis_lines")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
