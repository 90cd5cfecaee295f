"""The module's demo data on a small county: last year complete, this year in progress."""

from __future__ import annotations

import pytest

from dangjian.rectification.models import Plan
from dangjian.responsibility.demo import build_demo
from dangjian.responsibility.models import (
    CaseStep,
    DutyRecord,
    Evaluation,
    ListStatus,
    ResponsibilityList,
    SpotCheck,
    Stage,
)
from dangjian.responsibility.services import duty_chain_verify
from dangjian.responsibility.services.common import owner_bodies
from dangjian.responsibility.services.spotcheck import spotcheck_reproduce


def _summary(year) -> list[tuple]:
    return sorted(ResponsibilityList.objects.filter(year=year).values_list(
        "body_id", "status", "items__content", "items__records__summary",
        "items__records__occurred_on", "items__records__progress"), key=str)


@pytest.mark.req("R3.1", "R3.2", "R3.3", "R3.4", "R3.5", "R3.6")
def test_demo_last_year_complete_this_year_in_progress(county, year):
    build_demo(seed=7)
    previous = year.previous
    bodies = list(owner_bodies())
    last = ResponsibilityList.objects.filter(year=previous)
    assert last.count() == len(bodies)
    assert set(last.values_list("status", flat=True)) == {ListStatus.ACCEPTED}
    assert not last.filter(submitted_late=True).exists()
    assert {i.progress for i in last.get(body=bodies[0]).items.all()} == {100}
    assert DutyRecord.objects.filter(corrects__isnull=False).exists()
    check = SpotCheck.objects.get(year=previous)
    assert spotcheck_reproduce(check) == (True, True)
    assert Plan.objects.filter(year=previous, source="responsibility").exists()
    assert CaseStep.objects.filter(stage=Stage.TALK).exists()
    assert Evaluation.objects.filter(year=previous).count() == len(bodies)
    assert ResponsibilityList.objects.filter(year=year).exists()
    for body in bodies:
        assert duty_chain_verify(body=body).ok


def test_demo_is_deterministic_for_a_seed(county, year):
    from django.db import transaction

    runs = []
    for _ in range(2):
        sid = transaction.savepoint()
        build_demo(seed=11)
        runs.append(_summary(year.previous) + _summary(year))
        transaction.savepoint_rollback(sid)
    assert runs[0] == runs[1] and runs[0]
