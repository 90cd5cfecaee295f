"""Refuse UPDATE (and on PostgreSQL, DELETE) of trail entries in the database itself.

SQLite keeps only the UPDATE guard: the test harness empties tables with DELETE there. A
deletion is still caught by the chain verifier (gaps, broken links, chain head mismatch).
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION trail_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'trail entries are append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER trail_entry_append_only BEFORE UPDATE OR DELETE ON trail_trailentry
  FOR EACH ROW EXECUTE FUNCTION trail_refuse_change();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS trail_entry_append_only ON trail_trailentry;
DROP FUNCTION IF EXISTS trail_refuse_change();
"""
SQLITE_UP = """
CREATE TRIGGER trail_entry_no_update BEFORE UPDATE ON trail_trailentry
BEGIN SELECT RAISE(ABORT, 'trail entries are append-only (UPDATE refused)'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS trail_entry_no_update;"


def up(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    sql = {"postgresql": PG_UP, "sqlite": SQLITE_UP}.get(vendor)
    if sql:
        schema_editor.execute(sql)


def down(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    sql = {"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}.get(vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("trail", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
