"""The digital-literacy guide, as first written; admins maintain it from then on."""

from django.db import migrations

SLUG = "judging-health-information"
TITLE = "How to judge health information you read online"
SUMMARY = (
    "Five questions to ask of any health advice, here or elsewhere, before you act on it."
)
BODY = """\
People here share what helped them, and that is worth a great deal. But what worked for
one person can be wrong, or even harmful, for another, and the internet is full of
confident advice. These questions help you weigh anything you read, on Haven or anywhere
else.

# 1. Who wrote it?

Look for a named author or organisation and what qualifies them: a clinician, a
charity, a health service, a researcher, or someone sharing their own experience. Lived
experience is valuable, but it is one person's story, not a rule for everyone. Be
careful with pages that hide who is behind them.

# 2. What is it based on?

Good information says where it comes from: research, official guidance (such as NHS,
NICE, WHO or your national health service), or clinical experience. Words like
"miracle", "cure", "secret" or "doctors don't want you to know" are warning signs.
One study, or one person's result, is not proof.

# 3. When was it written?

Treatments and guidance change. Check the date it was written or last reviewed; for
medicines in particular, prefer information from the last few years.

# 4. Who gains if you believe it?

Ask whether someone is selling something: a supplement, a course, a device, a
"programme". Advertising dressed up as advice, and sponsorship that is not declared, are
conflicts of interest. That does not make the information wrong, but it is a reason to
check it elsewhere.

# 5. Does it agree with other trustworthy sources?

If two or three reliable sources say the same, that is reassuring. If one page
contradicts all the others, be cautious.

# When to check with a professional

- Before you **stop, start or change a medicine** or its dose, even if others say it
  helped them.
- If advice tells you to avoid your doctor, therapist or crisis services.
- If you notice new or worsening symptoms, or thoughts of harming yourself.
- Whenever something you read leaves you worried or unsure.

Your GP, pharmacist, care team or a helpline can talk it through with you. If you are in
danger now, call your local emergency number or one of the crisis lines on Haven's
**I need help now** page.

# On Haven

Facilitators add a **note from a facilitator** under posts that contain health
information that could mislead, and vetted resources are in the **resources library**.
If you see something that worries you, use **Flag** and choose "misinformation".
"""


def add_guide(apps, schema_editor):
    from moderation.services.guides import guide_html

    GuidePage = apps.get_model("moderation", "GuidePage")
    GuidePage.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title": TITLE,
            "summary": SUMMARY,
            "body": BODY,
            "body_html": guide_html(BODY),
        },
    )


def remove_guide(apps, schema_editor):
    apps.get_model("moderation", "GuidePage").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("moderation", "0009_guide_pages")]

    operations = [migrations.RunPython(add_guide, remove_guide)]
