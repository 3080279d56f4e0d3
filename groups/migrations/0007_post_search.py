"""Full-text search over posts: a tsvector per post, a GIN index on it, and PostgreSQL
triggers that keep it fresh on every write, whoever writes (services, the admin,
bulk_create, COPY in the bench generator). On SQLite (the embedded default) nothing but
the empty column: search falls back to icontains there.

Text-search configuration: ``english``. Most of Haven is written in English, and
stemming is what members expect ("panic attacks" finds "a panic attack", "sleeping"
finds "can't sleep"). Posts in Spanish, French or German are still found by their
words, because the same configuration reads the query and the document, so a word is
reduced the same way on both sides; they only miss stemming of their own inflections,
and a word that is also an English stop word ("no", "me") is not searchable. ``simple``
would keep every word but make "attack" miss "attacks"; a configuration per post needs
a language per post, which Haven does not record. ``unaccent`` is not assumed to be
installed. groups/selectors/search.py uses the same configuration for queries and
snippets; change both together.

The document is the body with weight B, and, for an opening post, its thread's title
with weight A, so a title match ranks above a body match.
"""

from django.conf import settings
from django.db import migrations

import django.contrib.postgres.search
import groups.models

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION groups_post_document(title text, body text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
        SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION groups_post_search_refresh() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := groups_post_document(
            CASE WHEN NEW.is_opening
                THEN (SELECT t.title FROM groups_thread t WHERE t.id = NEW.thread_id)
            END,
            NEW.body
        );
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER groups_post_search_refresh
    BEFORE INSERT OR UPDATE OF body, state, is_opening, thread_id ON groups_post
    FOR EACH ROW EXECUTE FUNCTION groups_post_search_refresh()
    """,
    """
    CREATE OR REPLACE FUNCTION groups_thread_title_search_refresh() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE groups_post
           SET search_vector = groups_post_document(NEW.title, body)
         WHERE thread_id = NEW.id AND is_opening;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER groups_thread_title_search_refresh
    AFTER UPDATE OF title ON groups_thread
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION groups_thread_title_search_refresh()
    """,
    # Back-fill the posts written before this migration.
    """
    UPDATE groups_post p
       SET search_vector = groups_post_document(CASE WHEN p.is_opening THEN t.title END, p.body)
      FROM groups_thread t
     WHERE t.id = p.thread_id
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS groups_thread_title_search_refresh ON groups_thread",
    "DROP FUNCTION IF EXISTS groups_thread_title_search_refresh()",
    "DROP TRIGGER IF EXISTS groups_post_search_refresh ON groups_post",
    "DROP FUNCTION IF EXISTS groups_post_search_refresh()",
    "DROP FUNCTION IF EXISTS groups_post_document(text, text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('groups', '0006_invitee_changed_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='post',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name='post',
            index=groups.models.SearchGinIndex(fields=['search_vector'], name='post_search_gin'),
        ),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
