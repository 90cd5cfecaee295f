"""Refuse UPDATE and DELETE of 履责纪实 and the other append-only records in the database.

PostgreSQL refuses both. SQLite refuses UPDATE only: the test harness empties tables with
DELETE there. A deletion is still caught: every record is also an entry on its organisation's
hash chain, and the verifier reports a chain entry whose record is gone.
"""

from django.db import migrations

TABLES = {
    "responsibility_dutyrecord": "duty_record",
    "responsibility_listreview": "list_review",
    "responsibility_casestep": "case_step",
    "responsibility_supervisionnote": "supervision_note",
}

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION responsibility_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '%% is append-only (%% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def up(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table, short in TABLES.items():
            schema_editor.execute(
                f"CREATE TRIGGER {short}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION responsibility_refuse_change();"
            )
    elif vendor == "sqlite":
        for table, short in TABLES.items():
            schema_editor.execute(
                f"CREATE TRIGGER {short}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (UPDATE refused)'); END;"
            )


def down(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table, short in TABLES.items():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {short}_append_only ON {table};")
        schema_editor.execute("DROP FUNCTION IF EXISTS responsibility_refuse_change();")
    elif vendor == "sqlite":
        for short in TABLES.values():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {short}_no_update;")


class Migration(migrations.Migration):
    dependencies = [("responsibility", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
