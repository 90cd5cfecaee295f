"""A used code's row is deleted rather than marked, and a box's public page has a token.

Each box gets its token (128 random bits) and the count of codes it issued (every code row it
has, used or not); then the used codes' rows are deleted, their digests with them, and the
`used` column goes. Reversed, each box gets back one row marked used for each code it used, with
a random digest that no code has (the real ones are gone), so its audit still adds up."""

import secrets

from django.db import migrations, models

import dangjian.ballots.models


def count_and_forget_used(apps, schema_editor):
    Box, Code = apps.get_model("ballots", "Box"), apps.get_model("ballots", "Code")
    for box in Box.objects.all().only("pk"):
        Box.objects.filter(pk=box.pk).update(
            token=dangjian.ballots.models.new_token(),
            codes_issued=Code.objects.filter(box_id=box.pk).count())
    Code.objects.filter(used=True).delete()


def used_rows_back(apps, schema_editor):
    Box, Code = apps.get_model("ballots", "Box"), apps.get_model("ballots", "Code")
    for box in Box.objects.all().only("pk", "codes_issued"):
        used = box.codes_issued - Code.objects.filter(box_id=box.pk).count()
        Code.objects.bulk_create([Code(box_id=box.pk, digest=secrets.token_hex(32), used=True)
                                  for _ in range(used)])


class Migration(migrations.Migration):

    dependencies = [
        ("ballots", "0002_marks_in_ballot"),
    ]

    operations = [
        migrations.AddField(
            model_name="box",
            name="token",
            field=models.CharField(editable=False, max_length=32, null=True,
                                   verbose_name="测评地址标识"),
        ),
        migrations.AddField(
            model_name="box",
            name="codes_issued",
            field=models.PositiveIntegerField(default=0, editable=False,
                                              verbose_name="已发放票码"),
        ),
        migrations.RunPython(count_and_forget_used, used_rows_back),
        migrations.AlterField(
            model_name="box",
            name="token",
            field=models.CharField(default=dangjian.ballots.models.new_token, editable=False,
                                   max_length=32, unique=True, verbose_name="测评地址标识"),
        ),
        migrations.RemoveField(model_name="code", name="used"),
    ]
