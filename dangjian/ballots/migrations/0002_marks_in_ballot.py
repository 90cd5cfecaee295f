"""A sheet's grades move into its ballot row; codes lose the (box, used) index.

Existing ballots keep their grades: each ballot's Mark rows are copied into `Ballot.marks`
before the Mark table is dropped (and back again if this migration is reversed)."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


def marks_into_ballots(apps, schema_editor):
    Ballot = apps.get_model("ballots", "Ballot")
    Mark = apps.get_model("ballots", "Mark")
    sheets: dict[int, dict[str, str]] = {}
    for ballot_id, candidate_id, grade in (Mark.objects.order_by("ballot_id", "id")
                                           .values_list("ballot_id", "candidate_id", "grade")
                                           .iterator(chunk_size=BATCH * 40)):
        sheets.setdefault(ballot_id, {})[str(candidate_id)] = grade
    ballots = list(Ballot.objects.filter(pk__in=list(sheets)).only("pk"))
    for ballot in ballots:
        ballot.marks = sheets[ballot.pk]
    Ballot.objects.bulk_update(ballots, ["marks"], batch_size=BATCH)


def marks_out_of_ballots(apps, schema_editor):
    Ballot = apps.get_model("ballots", "Ballot")
    Mark = apps.get_model("ballots", "Mark")
    rows = [Mark(ballot_id=b.pk, candidate_id=int(cand), grade=grade)
            for b in Ballot.objects.only("pk", "marks").iterator(chunk_size=BATCH)
            for cand, grade in b.marks.items()]
    Mark.objects.bulk_create(rows, batch_size=BATCH)


def code_pages_with_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ballots_code SET (fillfactor = 70)")


def code_pages_full(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ballots_code RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("ballots", "0001_initial"),
    ]

    operations = [
        # The old rows' reverse name gives way to the new field of the same name.
        migrations.AlterField(
            model_name="mark",
            name="ballot",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name="legacy_marks", to="ballots.ballot"),
        ),
        migrations.AddField(
            model_name="ballot",
            name="marks",
            field=models.JSONField(default=dict, verbose_name="评价"),
        ),
        migrations.RunPython(marks_into_ballots, marks_out_of_ballots),
        migrations.DeleteModel(name="Mark"),
        migrations.RemoveIndex(model_name="code", name="ballots_cod_box_id_83938e_idx"),
        migrations.RunPython(code_pages_with_room, code_pages_full),
    ]
