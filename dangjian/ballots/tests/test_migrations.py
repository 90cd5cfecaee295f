"""The ballots migrations keep what was cast: the grades when the sheet moved into one row; the
audit line, and none of the used codes' digests, when used codes came to be deleted."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dangjian.ballots.testing import database_files

BEFORE = [("ballots", "0001_initial")]
AFTER = [("ballots", "0002_marks_in_ballot")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.req("R2.7")
@pytest.mark.django_db(transaction=True)
def test_marks_rows_become_the_ballots_sheet_and_back(county):
    apps = _migrate(BEFORE)
    Box, Candidate = apps.get_model("ballots", "Box"), apps.get_model("ballots", "Candidate")
    Ballot, Mark = apps.get_model("ballots", "Ballot"), apps.get_model("ballots", "Mark")
    box = Box.objects.create(title="旧测评", purpose="test", owner_body_id=county.work_committee.pk,
                             status="closed")
    a, b = (Candidate.objects.create(box=box, label=x, order=i) for i, x in enumerate("甲乙"))
    sheets = {"R1": {a.pk: "good", b.pk: "poor"}, "R2": {a.pk: "average", b.pk: "good"}}
    for receipt, marks in sheets.items():
        ballot = Ballot.objects.create(box=box, receipt=receipt)
        Mark.objects.bulk_create([Mark(ballot=ballot, candidate_id=c, grade=g)
                                  for c, g in marks.items()])
    try:
        apps = _migrate(AFTER)
        moved = {r: m for r, m in apps.get_model("ballots", "Ballot").objects
                 .values_list("receipt", "marks")}
        assert moved == {r: {str(c): g for c, g in m.items()} for r, m in sheets.items()}
        apps = _migrate(BEFORE)  # and back: the rows come back from the sheets
        back = {(m.ballot.receipt, m.candidate_id, m.grade)
                for m in apps.get_model("ballots", "Mark").objects.select_related("ballot")}
        assert back == {(r, c, g) for r, m in sheets.items() for c, g in m.items()}
    finally:
        _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "ballots"]


@pytest.mark.req("R2.7")
@pytest.mark.django_db(transaction=True)
def test_used_codes_go_with_their_digests_and_the_audit_still_adds_up(county):
    apps = _migrate([("ballots", "0002_marks_in_ballot")])
    Box, Code = apps.get_model("ballots", "Box"), apps.get_model("ballots", "Code")
    Ballot = apps.get_model("ballots", "Ballot")
    boxes = [Box.objects.create(title=f"旧测评{i}", purpose="test", status="closed",
                                owner_body_id=county.work_committee.pk) for i in range(2)]
    used, unused = [], []
    for box in boxes:
        for n in range(5):
            digest = f"{box.pk:04d}{n:02d}".ljust(64, "e" if n < 3 else "f")
            Code.objects.create(box=box, digest=digest, used=n < 3, void=n == 4)
            (used if n < 3 else unused).append(digest)
        for n in range(3):
            Ballot.objects.create(box=box, receipt=f"R{box.pk}X{n}", marks={})
    try:
        apps = _migrate(_latest())
        Box, Code = apps.get_model("ballots", "Box"), apps.get_model("ballots", "Code")
        tokens = set()
        for box in Box.objects.filter(pk__in=[b.pk for b in boxes]):
            left = Code.objects.filter(box=box)
            assert (box.codes_issued, left.count(), left.filter(void=True).count()) == (5, 2, 1)
            tokens.add(box.token)
        assert len(tokens) == 2 and all(len(t) == 22 for t in tokens)
        assert set(Code.objects.values_list("digest", flat=True)) == set(unused)
        on_disk = database_files("ballots_code")
        if on_disk is None:
            pytest.skip("the PostgreSQL server's files cannot be read from here")
        assert [d for d in unused if d.encode() in on_disk] == unused  # the scan sees them
        assert [d for d in used if d.encode() in on_disk] == []
        apps = _migrate([("ballots", "0002_marks_in_ballot")])  # and back: used rows counted
        Code = apps.get_model("ballots", "Code")
        for box in boxes:
            assert Code.objects.filter(box_id=box.pk, used=True).count() == 3
            assert Code.objects.filter(box_id=box.pk).count() == 5
        assert not Code.objects.filter(digest__in=used).exists()
    finally:
        _migrate(_latest())
