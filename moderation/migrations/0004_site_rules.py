"""Haven's site-wide rules, so every install has rules a removal or sanction can cite."""

from django.db import migrations

SITE_RULES = [
    (
        "Be kind",
        "Everyone here is going through something. Disagree gently, never mock.",
    ),
    (
        "Stay anonymous, and let others stay anonymous",
        "Don't share real names, phone numbers, addresses or social media, yours or anyone "
        "else's.",
    ),
    (
        "Share experience, not prescriptions",
        "Say what helped you; don't tell people to stop or change treatment. Facilitators may "
        "add notes to correct harmful misinformation.",
    ),
    (
        "Use content warnings",
        "If a post mentions self-harm, suicide, abuse, eating disorders or graphic detail, add "
        "a content warning so others can choose when to read it.",
    ),
    ("No harassment, hate or spam", "Posts that break this are removed."),
    (
        "If you are in danger, reach out now",
        "Haven is not an emergency service. Call your local emergency number or a crisis line; "
        "facilitators are also told when someone writes that they are in crisis.",
    ),
]


def add_site_rules(apps, schema_editor):
    from groups.rendering import render_markdown

    Guideline = apps.get_model("moderation", "Guideline")
    if Guideline.objects.filter(group__isnull=True).exists():
        return
    for number, (title, body) in enumerate(SITE_RULES, start=1):
        Guideline.objects.create(
            number=number, title=title, body=body, body_html=render_markdown(body)
        )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0003_review_queue_sanctions_resources")]

    operations = [migrations.RunPython(add_site_rules, migrations.RunPython.noop)]
