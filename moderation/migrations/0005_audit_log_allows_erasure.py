"""The audit log stays append-only, with one narrow exception: a reference to a member,
group, post or rule may be cleared (set to NULL) when that row is deleted, which Django's
SET_NULL does with an UPDATE. Without it, erasing an account or deleting a group would be
impossible. Nothing else about an entry can change, and entries can never be deleted."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION moderation_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.id = OLD.id
        AND NEW.action = OLD.action
        AND NEW.reason = OLD.reason
        AND NEW.details = OLD.details
        AND NEW.created_at = OLD.created_at
        AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
        AND (NEW.target_user_id IS NULL OR NEW.target_user_id = OLD.target_user_id)
        AND (NEW.group_id IS NULL OR NEW.group_id = OLD.group_id)
        AND (NEW.post_id IS NULL OR NEW.post_id = OLD.post_id)
        AND (NEW.rule_id IS NULL OR NEW.rule_id = OLD.rule_id)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The moderation audit log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

PREVIOUS = """
CREATE OR REPLACE FUNCTION moderation_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The moderation audit log is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _run(sql: str):
    def apply(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # None: the SQL has a literal %

    return apply


class Migration(migrations.Migration):
    dependencies = [("moderation", "0004_site_rules")]

    operations = [migrations.RunPython(_run(CREATE), _run(PREVIOUS))]
