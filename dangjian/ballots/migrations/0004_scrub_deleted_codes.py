"""The deleted codes' bytes leave the database files.

PostgreSQL keeps a deleted row's old version in its page until a vacuum, and even then its
bytes may stay in the page's free space: a `VACUUM` removes the dead versions, then `VACUUM FULL`
writes the codes table (and its indexes) anew, from the live rows only. SQLite overwrites deleted rows at once (`secure_delete`, set on
every connection in settings); a checkpoint moves the overwritten pages from the write-ahead log
into the database file. Neither can run inside a transaction, so this migration is not atomic;
it changes no data, and running it again does no harm."""

from django.db import migrations


def scrub(apps, schema_editor):
    table = apps.get_model("ballots", "Code")._meta.db_table
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"VACUUM {table}")
        schema_editor.execute(f"VACUUM FULL {table}")
    elif schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cur:
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("ballots", "0003_used_codes_deleted_box_token"),
    ]

    operations = [
        migrations.RunPython(scrub, migrations.RunPython.noop, atomic=False),
    ]
