"""Checkpoints are signed (HMAC-SM3 under TRAIL_CHECKPOINT_KEY) and written to the witness file.
Those taken before are signed here, as they stand at the upgrade, and written to the witness in
their order, so the verifier holds every checkpoint to the same rule. Rows are append-only: their
guard is lifted for this one UPDATE, inside the migration's transaction, and put back."""

from django.db import migrations, models

from dangjian.trail.signing import ROW, row_message, sign
from dangjian.trail.witness import witness_append

PG_OFF = "ALTER TABLE trail_checkpoint DISABLE TRIGGER trail_checkpoint_append_only"
PG_ON = "ALTER TABLE trail_checkpoint ENABLE TRIGGER trail_checkpoint_append_only"
SQLITE_OFF = "DROP TRIGGER IF EXISTS trail_checkpoint_no_update"
SQLITE_ON = """
CREATE TRIGGER trail_checkpoint_no_update BEFORE UPDATE ON trail_checkpoint
BEGIN SELECT RAISE(ABORT, 'trail checkpoints are append-only (UPDATE refused)'); END;
"""


def sign_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    """On SQLite, adding the column rebuilt the table without its trigger: it is put back
    here in any case."""
    rows = list(apps.get_model("trail", "Checkpoint").objects.filter(signature="").order_by("id"))
    vendor = schema_editor.connection.vendor
    off, on = {"postgresql": (PG_OFF, PG_ON), "sqlite": (SQLITE_OFF, SQLITE_ON)}[vendor]
    if not rows and vendor != "sqlite":
        return
    schema_editor.execute(off)
    for cp in rows:
        cp.signature = sign(ROW, row_message(cp.chain, cp.seq, cp.digest, cp.taken_at,
                                             cp.taken_by, cp.note))
        cp.save(update_fields=["signature"])
        witness_append(checkpoint_id=cp.pk, chain=cp.chain, seq=cp.seq, digest=cp.digest,
                       taken_at=cp.taken_at, signature=cp.signature)
    schema_editor.execute(on)


class Migration(migrations.Migration):

    dependencies = [
        ("trail", "0004_change_trace_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkpoint",
            name="signature",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="签名"),
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
    ]
