"""On PostgreSQL, refuse UPDATE and DELETE on the audit log at the database itself, so no
code path (admin, shell, a bug) can rewrite what was done. SQLite, used only for the demo,
has no such trigger."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION moderation_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The moderation audit log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER moderation_auditlog_append_only
    BEFORE UPDATE OR DELETE ON moderation_auditlogentry
    FOR EACH ROW EXECUTE FUNCTION moderation_auditlog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS moderation_auditlog_append_only ON moderation_auditlogentry;
DROP FUNCTION IF EXISTS moderation_auditlog_append_only();
"""


def _run(sql: str):
    def apply(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # None: the SQL has a literal %

    return apply


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
