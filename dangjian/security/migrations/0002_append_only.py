"""Refuse UPDATE of security-log entries in the database itself, and on PostgreSQL also any
DELETE of an entry younger than 180 days: the retention prune is the only deletion, and not
even a direct SQL session can shorten the log below 等保's six months.

SQLite keeps only the UPDATE guard: the test harness empties tables with DELETE there.
(PostgreSQL's harness uses TRUNCATE, which row triggers do not see.)
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION security_event_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.at < now() - interval '180 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'security log entries are append-only (%% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER security_event_append_only BEFORE UPDATE OR DELETE ON security_securityevent
  FOR EACH ROW EXECUTE FUNCTION security_event_refuse_change();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS security_event_append_only ON security_securityevent;
DROP FUNCTION IF EXISTS security_event_refuse_change();
"""
SQLITE_UP = """
CREATE TRIGGER security_event_no_update BEFORE UPDATE ON security_securityevent
BEGIN SELECT RAISE(ABORT, 'security log entries are append-only (UPDATE refused)'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS security_event_no_update;"


def up(apps, schema_editor):  # type: ignore[no-untyped-def]
    sql = {"postgresql": PG_UP, "sqlite": SQLITE_UP}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def down(apps, schema_editor):  # type: ignore[no-untyped-def]
    sql = {"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("security", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
