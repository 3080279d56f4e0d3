"""Thread page versions, kept by PostgreSQL triggers (see ``ThreadPageVersion``).

Every statement that inserts, updates or deletes posts, reactions or facilitator notes
gives each thread it touched a new random version, as does a change of a facilitator's
role or standing in a group (the badge on their posts) and of a member's handle or
verified title (shown on their posts). Statement-level triggers with transition tables:
a bulk update (an erasure, a facilitator removing a member's posts) bumps each thread
once, in thread order (two such statements take the rows' locks in the same order).
Random rather than counted, so no version recurs after a restore, a test's rollback or
a flush while a cache still holds pages kept under the old one.

SQLite (the embedded demo) gets the table and no triggers: pages are not snapshot there.
"""

from django.db import migrations, models

BUMP = """
CREATE OR REPLACE FUNCTION haven_page_bump(thread_ids bigint[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO groups_threadpageversion (thread_id, version)
  SELECT t, floor(random() * 9007199254740991)::bigint
  FROM (SELECT DISTINCT unnest(thread_ids) AS t) AS touched
  WHERE t IS NOT NULL
  ORDER BY t
  ON CONFLICT (thread_id) DO UPDATE SET version = EXCLUDED.version
$$;

CREATE OR REPLACE FUNCTION haven_posts_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM haven_page_bump(ARRAY(SELECT thread_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM haven_page_bump(ARRAY(SELECT thread_id FROM old_rows));
  ELSE
    PERFORM haven_page_bump(
      ARRAY(SELECT thread_id FROM new_rows UNION SELECT thread_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;

-- Reactions and facilitator notes: the threads of the posts they belong to.
CREATE OR REPLACE FUNCTION haven_post_children_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM haven_page_bump(ARRAY(
      SELECT p.thread_id FROM new_rows r JOIN groups_post p ON p.id = r.post_id));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM haven_page_bump(ARRAY(
      SELECT p.thread_id FROM old_rows r JOIN groups_post p ON p.id = r.post_id));
  ELSE
    PERFORM haven_page_bump(ARRAY(
      SELECT p.thread_id FROM new_rows r JOIN groups_post p ON p.id = r.post_id
      UNION
      SELECT p.thread_id FROM old_rows r JOIN groups_post p ON p.id = r.post_id));
  END IF;
  RETURN NULL;
END $$;

-- A facilitator's badge shows on their posts in the group they facilitate.
CREATE OR REPLACE FUNCTION haven_memberships_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM haven_page_bump(ARRAY(
      SELECT p.thread_id FROM new_rows m
      JOIN groups_post p ON p.author_id = m.user_id
      JOIN groups_thread t ON t.id = p.thread_id AND t.group_id = m.group_id
      WHERE m.role = 'facilitator'));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM haven_page_bump(ARRAY(
      SELECT p.thread_id FROM old_rows m
      JOIN groups_post p ON p.author_id = m.user_id
      JOIN groups_thread t ON t.id = p.thread_id AND t.group_id = m.group_id
      WHERE m.role = 'facilitator'));
  ELSE
    PERFORM haven_page_bump(ARRAY(
      SELECT p.thread_id
      FROM new_rows n JOIN old_rows o ON o.id = n.id
      JOIN groups_post p ON p.author_id IN (n.user_id, o.user_id)
      JOIN groups_thread t ON t.id = p.thread_id AND t.group_id IN (n.group_id, o.group_id)
      WHERE 'facilitator' IN (n.role, o.role)
        AND (n.role, n.status, n.user_id, n.group_id)
            IS DISTINCT FROM (o.role, o.status, o.user_id, o.group_id)));
  END IF;
  RETURN NULL;
END $$;

-- A member's handle and verified title show on every post of theirs.
CREATE OR REPLACE FUNCTION haven_people_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM haven_page_bump(ARRAY(
    SELECT p.thread_id
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    JOIN groups_post p ON p.author_id = n.id
    WHERE (n.handle, n.professional_title, n.professional_title_verified)
          IS DISTINCT FROM (o.handle, o.professional_title, o.professional_title_verified)));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION haven_thread_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM groups_threadpageversion v USING old_rows o WHERE v.thread_id = o.id;
  RETURN NULL;
END $$;
"""

TABLES = {
    "groups_post": "haven_posts_changed",
    "groups_reaction": "haven_post_children_changed",
    "moderation_facilitatornote": "haven_post_children_changed",
    "groups_membership": "haven_memberships_changed",
}
REFERENCING = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


def triggers() -> list[tuple[str, str]]:
    """(name, table) of every trigger, with the SQL that creates it."""
    made = []
    for table, function in TABLES.items():
        for event, referencing in REFERENCING.items():
            name = f"haven_page_{table}_{event.lower()}"
            made.append(
                (
                    name,
                    table,
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                    f"REFERENCING {referencing} FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION {function}()",
                )
            )
    made.append(
        (
            "haven_page_accounts_user_update",
            "accounts_user",
            "CREATE TRIGGER haven_page_accounts_user_update AFTER UPDATE ON accounts_user "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION haven_people_changed()",
        )
    )
    made.append(
        (
            "haven_page_groups_thread_delete",
            "groups_thread",
            "CREATE TRIGGER haven_page_groups_thread_delete AFTER DELETE ON groups_thread "
            "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION haven_thread_deleted()",
        )
    )
    return made


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BUMP)
    for _name, _table, sql in triggers():
        schema_editor.execute(sql)
    # Every thread that has posts gets a version now, so its pages can be kept at once.
    schema_editor.execute(
        "INSERT INTO groups_threadpageversion (thread_id, version) "
        "SELECT id, floor(random() * 9007199254740991)::bigint FROM groups_thread"
    )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, _sql in triggers():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for function in (
        "haven_posts_changed()",
        "haven_post_children_changed()",
        "haven_memberships_changed()",
        "haven_people_changed()",
        "haven_thread_deleted()",
        "haven_page_bump(bigint[])",
    ):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}")


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0011_post_submission"),
        ("accounts", "0013_encrypt_mfa_secrets"),
        ("moderation", "0010_digital_literacy_guide"),
    ]

    operations = [
        migrations.CreateModel(
            name="ThreadPageVersion",
            fields=[
                ("thread_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
