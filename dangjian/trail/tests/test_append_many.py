"""Appending many entries at once gives the same chain as appending them one by one."""

import datetime as dt

import pytest

from dangjian.org.models import Role
from dangjian.trail.changes import Change, change_record_many, changes_chain
from dangjian.trail.models import ChainHead, TrailEntry
from dangjian.trail.services import (
    NewEntry,
    entry_digest,
    trail_append,
    trail_append_many,
    trail_verify,
)


def _one(i):
    trail_append(chain="t", actor=None, action="create", subject_type="x", subject_id=i,
                 subject_label=f"对象{i}", after={"值": i})


@pytest.mark.req("R0.7")
def test_many_entries_continue_the_chain_between_single_appends(db):
    _one(0)
    news = [NewEntry(action="create", subject_type="x", subject_id=i, subject_label=f"对象{i}",
                     scope_path="/1/", after={"值": i, "日期": dt.date(2024, 1, 1 + i % 28)},
                     note="批量")
            for i in range(1, 2501)]
    made = trail_append_many(chain="t", actor=None, entries=news, batch_size=1000)
    _one(2501)
    assert [e.seq for e in made] == list(range(2, 2502))
    assert ChainHead.objects.get(chain="t").seq == 2502
    stored = list(TrailEntry.objects.filter(chain="t").order_by("seq"))
    assert [e.seq for e in stored] == list(range(1, 2503))
    assert all(e.digest == entry_digest(e) for e in stored)
    assert stored[1].after == {"值": 1, "日期": "2024-01-02"} and stored[1].actor_name == "系统"
    assert stored[1].prev_digest == stored[0].digest and stored[1].note == "批量"
    result = trail_verify(chain="t")
    assert result.ok and result.checked == 2502


@pytest.mark.req("R0.7")
def test_nothing_to_append_touches_nothing(db):
    assert trail_append_many(chain="t", actor=None, entries=[]) == []
    assert not ChainHead.objects.filter(chain="t").exists()


@pytest.mark.req("R0.7")
def test_change_record_many_puts_each_change_on_the_chain_of_its_scope(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    people = [p for d in county.depts for p in d.people]
    before = TrailEntry.objects.count()
    made = change_record_many(actor=admin, action="update", changes=[
        Change(p, before={"职级": ""}, after={"职级": "科员"}, note="批量") for p in people
    ])
    assert [e.subject_id for e in made] == [str(p.pk) for p in people]
    assert TrailEntry.objects.count() == before + len(people)
    for person, entry in zip(people, made, strict=True):
        assert entry.scope_path == (person.branch or person.unit).path
        assert entry.chain == changes_chain(entry.scope_path)
        assert entry.actor == admin and entry.after == {"职级": "科员"}
    for chain in {e.chain for e in made}:
        assert trail_verify(chain=chain).ok
