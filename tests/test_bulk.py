"""`dangjian.bulk.insert_many`: rows as `save` would store them, keys that never collide."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from dangjian.bulk import insert_many
from dangjian.org.idcard import make_id_number
from dangjian.org.models import Person
from dangjian.org.services import person_create


def _person(county, i, **extra):
    fields = {"name": f"批{i}", "gender": "F", "political_status": "masses",
              "unit": county.depts[0].unit, "birth_date": dt.date(1980, 1, 1),
              "id_number": make_id_number("450100", dt.date(1980, 1, 1 + i // 900), i % 900)}
    fields.update(extra)
    return Person(**fields)


@pytest.mark.req("R0.8")
def test_rows_read_back_as_saved_and_keys_continue(county):
    highest = Person.objects.order_by("-pk").first().pk
    people = [_person(county, i) for i in range(1, 2501)]
    with transaction.atomic():
        insert_many(Person, people, assign_pk=True)
    keys = [p.pk for p in people]
    assert len(set(keys)) == 2500 and min(keys) > highest
    assert not people[0]._state.adding
    stored = Person.objects.get(pk=people[7].pk)
    assert (stored.name, stored.unit, stored.birth_date, stored.id_number) == (
        "批8", county.depts[0].unit, dt.date(1980, 1, 1), people[7].id_number)
    assert stored.created_at is not None and stored.is_party_cadre is False
    Person.objects.filter(pk=max(keys)).delete()  # a key once given is not given again
    later = person_create(actor=None, check_scope=False, name="后来", gender="M",
                          political_status="masses", unit=county.depts[0].unit)
    assert later.pk > max(keys)


@pytest.mark.req("R0.8")
def test_a_violated_constraint_is_djangos_integrity_error_and_rolls_back(county):
    taken = county.depts[0].people[0].id_number
    before = Person.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_many(Person, [_person(county, 1), _person(county, 2, id_number=taken)],
                    assign_pk=True)
    assert Person.objects.count() == before
