"""Ballots cast before the sheet moved into one row keep every grade through the migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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
