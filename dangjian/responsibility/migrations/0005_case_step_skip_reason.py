"""A case step's reason for leaving out a step of 提醒 → 约谈 → 通报 → 追责.

SQLite adds the column by rebuilding the table, which drops its append-only trigger
(0002_append_only): the trigger is made again here."""

from django.db import migrations, models


def keep_append_only(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER IF NOT EXISTS case_step_no_update BEFORE UPDATE ON "
            "responsibility_casestep BEGIN SELECT RAISE(ABORT, "
            "'responsibility_casestep is append-only (UPDATE refused)'); END;")


class Migration(migrations.Migration):

    dependencies = [
        ("responsibility", "0004_record_item_seq_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="casestep",
            name="skip_reason",
            field=models.TextField(blank=True, verbose_name="越级处理的理由"),
        ),
        migrations.RunPython(keep_append_only, migrations.RunPython.noop),
    ]
