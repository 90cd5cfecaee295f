"""One change chain per county: separate chains, each verifiable, read together by the trace."""

import io
import threading
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, transaction
from django.urls import reverse

from dangjian.accounts.services import user_create
from dangjian.org.models import Role
from dangjian.org.services import person_update
from dangjian.testing import build_small_county
from dangjian.trail.changes import LEGACY_CHAIN, SYSTEM_CHAIN, changes_chain
from dangjian.trail.models import ChainHead, TrailEntry
from dangjian.trail.selectors import change_chains, change_list
from dangjian.trail.services import chain_names, trail_append, trail_verify
from dangjian.trail.verification import verify_everything


def _edit(actor, person, phone):
    person_update(actor=actor, person=person, phone=phone)
    return TrailEntry.objects.filter(subject_type="org.person", subject_id=str(person.pk)
                                     ).latest("at")


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.req("R0.7")
def test_each_county_writes_on_its_own_chain_and_each_verifies(county):
    other, admin = build_small_county("乙县"), county.user(Role.WORK_COMMITTEE_ADMIN)
    a = _edit(admin, county.depts[0].people[0], "13800000001")
    b = _edit(other.admin, other.depts[0].people[0], "13800000002")
    assert a.chain == f"changes:{county.root.pk}" == changes_chain(county.root.path)
    assert b.chain == f"changes:{other.root.pk}"
    # Writing in one county leaves the other county's chain head where it was.
    head_a = ChainHead.objects.get(chain=a.chain).seq
    _edit(other.admin, other.depts[0].people[1], "13800000003")
    assert ChainHead.objects.get(chain=a.chain).seq == head_a
    # Accounts have no place in the tree: they go on the system chain.
    user_create(actor=None, username="someone", password="Dangjian-test-2026",
                full_name="某人", check_scope=False)
    assert TrailEntry.objects.filter(subject_type="accounts.user").latest("at").chain \
        == SYSTEM_CHAIN
    assert {a.chain, b.chain, SYSTEM_CHAIN} <= set(chain_names())
    assert set(change_chains()) == {a.chain, b.chain, SYSTEM_CHAIN}
    for chain in (a.chain, b.chain, SYSTEM_CHAIN):
        assert trail_verify(chain=chain).ok


def _legacy(scope_path, label):
    """An entry as it was written before per-county chains: on the single chain."""
    return trail_append(chain=LEGACY_CHAIN, actor=None, action="update",
                        subject_type="org.person", subject_id="0", subject_label=label,
                        scope_path=scope_path, after={"手机号": "旧"})


@pytest.mark.req("R0.7", "R0.4")
def test_the_trace_reads_the_old_single_chain_and_every_county_chain_in_scope(county, login):
    other, admin = build_small_county("乙县"), county.user(Role.WORK_COMMITTEE_ADMIN)
    a, b = county.depts[0], county.depts[1]
    _legacy(a.branches[0].path, "旧记录本支部")
    _legacy(b.branches[0].path, "旧记录他部门")
    new_own = _edit(admin, a.people[0], "13800000001")
    new_other_county = _edit(other.admin, other.depts[0].people[0], "13800000002")

    branch_sec = county.user(Role.ORG_SECRETARY)
    labels = list(change_list(user=branch_sec).values_list("subject_label", flat=True))
    assert "旧记录本支部" in labels and new_own.subject_label in labels
    assert "旧记录他部门" not in labels and new_other_county.subject_label not in labels
    # Newest first across chains: the new entry before the old one.
    assert labels.index(new_own.subject_label) < labels.index("旧记录本支部")

    reader = county.user(Role.DISCIPLINE_COMMISSION)  # county-wide in the first county
    seen = set(change_list(user=reader).values_list("chain", "subject_label"))
    assert (LEGACY_CHAIN, "旧记录他部门") in seen and (new_own.chain, new_own.subject_label) in seen
    assert not {c for c, _ in seen} & {new_other_county.chain}
    # The other county's administrator sees that county's entries, not the first county's.
    theirs = set(change_list(user=other.admin).values_list("chain", flat=True))
    assert theirs == {new_other_county.chain, SYSTEM_CHAIN}

    client = login(reader)
    page = client.get(reverse("trail:change_list")).content.decode()
    assert "旧记录他部门" in page and new_own.subject_label in page
    items = client.get("/api/changes").json()["items"]
    assert {(i["chain"], i["subject_label"]) for i in items} >= {
        (LEGACY_CHAIN, "旧记录本支部"), (new_own.chain, new_own.subject_label)}
    assert trail_verify(chain=LEGACY_CHAIN).ok


@pytest.mark.req("R0.7")
def test_tampering_in_one_county_chain_is_named_for_that_chain(county):
    other, admin = build_small_county("乙县"), county.user(Role.WORK_COMMITTEE_ADMIN)
    mine = _edit(admin, county.depts[0].people[0], "13800000001")
    theirs = _edit(other.admin, other.depts[0].people[0], "13800000002")
    _edit(other.admin, other.depts[0].people[1], "13800000003")
    if connection.vendor == "postgresql":
        _raw("SET session_replication_role = replica")
    else:
        _raw("DROP TRIGGER trail_entry_no_update")
    _raw("UPDATE trail_trailentry SET after = %s WHERE id = %s", ['{"手机号": "改"}', theirs.pk])
    result = trail_verify(chain=theirs.chain)
    assert not result.ok and result.first_bad_seq == theirs.seq
    assert result.chain == theirs.chain
    assert trail_verify(chain=mine.chain).ok
    # The command checks every chain, the per-county ones included, and names the broken one.
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_trail", stdout=out)
    bad = [line for line in out.getvalue().splitlines() if "不符" in line]
    # The chain pass and the findings list each name it; no line names the intact chain.
    assert bad and all(theirs.chain in line.split() for line in bad)
    assert not any(mine.chain in line.split() for line in bad)


@pytest.mark.req("R0.7")
@pytest.mark.django_db(transaction=True)
def test_a_write_in_one_county_does_not_wait_for_another_countys_open_write():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time whatever the chain")
    first, second = build_small_county("甲县"), build_small_county("乙县")
    holding, release = threading.Event(), threading.Event()

    def hold_first_county():
        try:
            with transaction.atomic():
                person_update(actor=first.admin, person=first.depts[0].people[0],
                              phone="13800000001")
                holding.set()  # the first county's head row is locked until this commits
                release.wait(30)
        finally:
            connection.close()

    def write(actor, person, outcome):
        try:
            with transaction.atomic():
                _raw("SET LOCAL lock_timeout = '300ms'")
                person_update(actor=actor, person=person, phone="13800000009")
            outcome.append("written")
        except OperationalError as exc:
            outcome.append(f"waited: {exc}")
        finally:
            connection.close()

    holder = threading.Thread(target=hold_first_county)
    holder.start()
    try:
        assert holding.wait(30)
        results: dict[str, list[str]] = {"other": [], "same": []}
        for key, county in (("other", second), ("same", first)):
            person = county.depts[0].people[1]
            writer = threading.Thread(target=write, args=(county.admin, person, results[key]))
            writer.start()
            writer.join(30)
        assert results["other"] == ["written"]
        # The control: the same county's chain is held, so that write times out waiting.
        assert results["same"][0].startswith("waited") and "lock" in results["same"][0]
    finally:
        release.set()
        holder.join(30)
    for chain in (changes_chain(first.root.path), changes_chain(second.root.path)):
        assert trail_verify(chain=chain).ok


@pytest.mark.req("R0.7")
def test_closing_the_single_chain_checkpoints_it_so_a_rewound_truncation_shows(db):
    import importlib

    from django.apps import apps

    from dangjian.trail.models import Checkpoint

    for i in range(3):
        _legacy(f"/1/{i}/", f"旧记录{i}")
    migration = importlib.import_module("dangjian.trail.migrations.0004_change_trace_order")
    migration.close_single_chain(apps, None)
    # The next migration signs it and writes it to the witness, as the upgrade does.
    signing = importlib.import_module("dangjian.trail.migrations.0005_checkpoint_signature")
    signing.sign_existing(apps, SimpleNamespace(connection=connection, execute=_raw))
    mark = Checkpoint.objects.get(chain=LEGACY_CHAIN)
    assert (mark.seq, mark.digest) == (3, ChainHead.objects.get(chain=LEGACY_CHAIN).digest)
    assert mark.signature and trail_verify(chain=LEGACY_CHAIN).ok
    assert verify_everything(chains=[LEGACY_CHAIN]).ok
    # Someone deletes the newest entry and rewinds the head row to match: the checkpoint shows it.
    if connection.vendor == "postgresql":
        _raw("SET session_replication_role = replica")
    last = TrailEntry.objects.get(chain=LEGACY_CHAIN, seq=2)
    _raw("DELETE FROM trail_trailentry WHERE chain = %s AND seq = 3", [LEGACY_CHAIN])
    _raw("UPDATE trail_chainhead SET seq = 2, digest = %s WHERE chain = %s",
         [last.digest, LEGACY_CHAIN])
    assert not trail_verify(chain=LEGACY_CHAIN).ok
