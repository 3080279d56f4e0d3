"""Seed national crisis lines Haven's authors are certain of. They are seeded as due for
re-verification, so an admin checks each against its source before relying on it."""

import datetime

from django.db import migrations

LINES = [
    # country, name, phone, text, web, description
    (
        "US",
        "988 Suicide & Crisis Lifeline",
        "988",
        "Text 988",
        "https://988lifeline.org",
        "Call, text or chat, free and confidential.",
    ),
    (
        "CA",
        "9-8-8 Suicide Crisis Helpline",
        "988",
        "Text 988",
        "https://988.ca",
        "Call or text, in English and French.",
    ),
    (
        "GB",
        "Samaritans",
        "116 123",
        "",
        "https://www.samaritans.org",
        "Free from any phone; you don't have to be suicidal to call.",
    ),
    (
        "IE",
        "Samaritans",
        "116 123",
        "",
        "https://www.samaritans.org/ireland/",
        "Free from any phone; you don't have to be suicidal to call.",
    ),
    (
        "AU",
        "Lifeline",
        "13 11 14",
        "",
        "https://www.lifeline.org.au",
        "Crisis support and suicide prevention.",
    ),
    (
        "NZ",
        "Need to talk? 1737",
        "1737",
        "Text 1737",
        "https://1737.org.nz",
        "Free call or text, any time, to a trained counsellor.",
    ),
    (
        "FR",
        "3114 – Numéro national de prévention du suicide",
        "3114",
        "",
        "https://3114.fr",
        "Gratuit, 24 h/24 et 7 j/7.",
    ),
    (
        "DE",
        "TelefonSeelsorge",
        "0800 111 0 111",
        "",
        "https://www.telefonseelsorge.de",
        "Kostenlos und anonym, rund um die Uhr (auch 0800 111 0 222).",
    ),
    (
        "ES",
        "Línea 024",
        "024",
        "",
        "https://www.sanidad.gob.es/linea024/",
        "Atención a la conducta suicida, gratuita y confidencial.",
    ),
]

# Before today on purpose: the lines appear in the admins' queue to be checked.
SEEDED_AS_VERIFIED = datetime.date(2026, 1, 1)


def seed(apps, schema_editor):
    CrisisLine = apps.get_model("moderation", "CrisisLine")
    for order, (country, name, phone, text, web, description) in enumerate(LINES):
        CrisisLine.objects.get_or_create(
            country=country,
            name=name,
            defaults={
                "phone": phone,
                "text": text,
                "web": web,
                "description": description,
                "source": web,
                "last_verified": SEEDED_AS_VERIFIED,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0006_crisis_care")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
