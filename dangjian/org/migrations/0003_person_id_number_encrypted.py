"""ID numbers sealed at rest: each plain number is sealed (SM4-GCM under DATA_KEY) with its keyed
digest and last 4 characters beside it, then the plain column is dropped. Reversible: the way
back opens each number into a plain column again."""

from django.db import migrations, models

import dangjian.core.crypto
import dangjian.org.id_numbers

_BATCH = 1000


def seal_numbers(apps, schema_editor):
    Person = apps.get_model("org", "Person")
    rows = Person.objects.exclude(id_number_plain=None).exclude(id_number_plain="")
    for start in range(0, rows.count() + _BATCH, _BATCH):
        batch = list(rows.order_by("pk")[start:start + _BATCH])
        for person in batch:
            number = person.id_number_plain.strip().upper()
            person.id_number = number
            person.id_number_digest = dangjian.org.id_numbers.id_number_digest(number)
            person.id_number_tail = number[-4:]
        Person.objects.bulk_update(batch, ["id_number", "id_number_digest", "id_number_tail"])


def open_numbers(apps, schema_editor):
    Person = apps.get_model("org", "Person")
    batch = list(Person.objects.exclude(id_number=None))
    for person in batch:
        person.id_number_plain = person.id_number
    Person.objects.bulk_update(batch, ["id_number_plain"], batch_size=_BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0002_role_valid_from_local_date"),
    ]

    operations = [
        migrations.RenameField(model_name="person", old_name="id_number",
                               new_name="id_number_plain"),
        migrations.AddField(
            model_name="person",
            name="id_number",
            field=dangjian.core.crypto.SealedField(blank=True, context="org.person.id_number",
                                                   null=True, verbose_name="身份证号"),
        ),
        migrations.AddField(
            model_name="person",
            name="id_number_digest",
            field=dangjian.org.id_numbers.IdNumberDigestField(
                blank=True, editable=False, max_length=44, null=True, unique=True,
                verbose_name="身份证号摘要"),
        ),
        migrations.AddField(
            model_name="person",
            name="id_number_tail",
            field=dangjian.org.id_numbers.IdNumberTailField(
                blank=True, default="", editable=False, max_length=4,
                verbose_name="身份证号后4位"),
        ),
        migrations.RunPython(seal_numbers, open_numbers),
        migrations.RemoveField(model_name="person", name="id_number_plain"),
    ]
