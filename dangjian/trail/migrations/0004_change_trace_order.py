"""The change trace moves to one chain per county (`changes:<root id>`); the single chain
`changes` is closed as it stands. Its entries stay untouched; a checkpoint of its head is taken
here, so a later truncation of the closed chain shows even if its head row were rewound.
An index serves the trace's order across chains (time, chain, sequence number)."""

from django.db import migrations, models
from django.utils import timezone

LEGACY_CHAIN = "changes"


def close_single_chain(apps, schema_editor):  # type: ignore[no-untyped-def]
    head = apps.get_model("trail", "ChainHead").objects.filter(chain=LEGACY_CHAIN).first()
    if head is None or head.seq == 0:
        return
    apps.get_model("trail", "Checkpoint").objects.create(
        chain=LEGACY_CHAIN, seq=head.seq, digest=head.digest, taken_at=timezone.now(),
        taken_by="系统", note="变更留痕改为每县一条链，此链不再追加",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("trail", "0003_checkpoint"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="trailentry",
            index=models.Index(fields=["at", "chain", "seq"], name="trail_entry_at_idx"),
        ),
        migrations.RunPython(close_single_chain, migrations.RunPython.noop),
    ]
