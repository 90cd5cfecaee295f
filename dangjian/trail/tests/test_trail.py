import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from dangjian.trail.models import ChainHead, TrailEntry
from dangjian.trail.services import trail_append, trail_verify


def _append(n, chain="t"):
    for i in range(n):
        trail_append(chain=chain, actor=None, action="create", subject_type="x",
                     subject_id=i, subject_label=f"对象{i}", after={"值": i})


@pytest.mark.req("R0.7")
def test_chain_verifies(db):
    _append(5)
    result = trail_verify(chain="t")
    assert result.ok and result.checked == 5


@pytest.mark.req("R0.7")
def test_update_refused_by_database(db):
    _append(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        TrailEntry.objects.filter(chain="t", seq=1).update(note="改")


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _drop_guards():
    """What someone with database access would do before tampering."""
    if connection.vendor == "postgresql":
        _raw("SET session_replication_role = replica")  # superuser: triggers off
    else:
        _raw("DROP TRIGGER trail_entry_no_update")


@pytest.mark.req("R0.7")
def test_direct_database_edit_is_detected(db):
    _append(5)
    _drop_guards()
    _raw("UPDATE trail_trailentry SET after = %s WHERE chain = 't' AND seq = 3",
         ['{"值": 999}'])
    result = trail_verify(chain="t")
    assert not result.ok
    assert result.first_bad_seq == 3


@pytest.mark.req("R0.7")
def test_direct_database_delete_in_the_middle_is_detected(db):
    _append(5)
    _drop_guards()
    _raw("DELETE FROM trail_trailentry WHERE chain = 't' AND seq = 2")
    result = trail_verify(chain="t")
    assert not result.ok and result.first_bad_seq == 2


@pytest.mark.req("R0.7")
def test_deleting_the_newest_entry_is_detected_by_the_head(db):
    _append(4)
    _drop_guards()
    _raw("DELETE FROM trail_trailentry WHERE chain = 't' AND seq = 4")
    result = trail_verify(chain="t")
    assert not result.ok and result.first_bad_seq == 4
    assert ChainHead.objects.get(chain="t").seq == 4


@pytest.mark.req("R0.7")
def test_rehashing_an_edited_entry_still_breaks_the_next_link(db):
    from dangjian.trail.services import entry_digest

    _append(4)
    _drop_guards()
    entry = TrailEntry.objects.get(chain="t", seq=2)
    entry.note = "伪造"
    entry.digest = entry_digest(entry)
    _raw("UPDATE trail_trailentry SET note = %s, digest = %s WHERE id = %s",
         [entry.note, entry.digest, entry.pk])
    result = trail_verify(chain="t")
    assert not result.ok and result.first_bad_seq == 3
