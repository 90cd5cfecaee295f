from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet

from dangjian.ballots import rules
from dangjian.ballots.models import Ballot, Box, Candidate, Code
from dangjian.ballots.services import Audit
from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.org.scope import Perm, scope_filter


def box_list(*, user: Any, purpose: str = "") -> QuerySet[Box]:
    qs = scope_filter(user, Perm.BALLOT_MANAGE, Box.objects.select_related("owner_body"))
    return qs.filter(purpose=purpose) if purpose else qs


@dataclass(frozen=True)
class CandidateResult:
    candidate: Candidate
    counts: dict[str, int]
    total: int
    overall: str | None

    @property
    def shares(self) -> dict[str, float]:
        return {g: (self.counts[g] / self.total if self.total else 0.0) for g in GRADE_ORDER}

    @property
    def rows(self) -> list[tuple[str, int, float]]:
        return [(Grade(g).label, self.counts[g], self.shares[g]) for g in GRADE_ORDER]

    @property
    def overall_label(self) -> str:
        return Grade(self.overall).label if self.overall else "—"


def _json_each() -> str:
    """The set-returning function that lists a JSON object's (key, value) pairs as text."""
    return "jsonb_each_text" if connection.vendor == "postgresql" else "json_each"


_BALLOT, _CANDIDATE = Ballot._meta.db_table, Candidate._meta.db_table


def grade_counts(box_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """candidate id → {grade: number of ballots}, over every ballot of the boxes: one query,
    aggregated in the database from the grades each ballot row carries."""
    ids = list(box_ids)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if not ids:
        return counts
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cur:
        cur.execute(f"SELECT m.key, m.value, count(*) FROM {_BALLOT} b, {_json_each()}(b.marks) m "
                    f"WHERE b.box_id IN ({marks}) GROUP BY m.key, m.value", ids)
        for key, grade, n in cur.fetchall():
            counts[int(key)][str(grade)] = int(n)
    return counts


def tally(box: Box) -> list[CandidateResult]:
    """Per candidate, the count of each grade (see `grade_counts`)."""
    counted = grade_counts([box.pk])
    results = []
    for cand in box.candidates.order_by("order", "id"):
        got = counted.get(cand.pk, {})
        counts: dict[str, int] = {str(g): got.get(str(g), 0) for g in GRADE_ORDER}
        total = sum(counts.values())
        results.append(CandidateResult(cand, counts, total, rules.overall(counts, box.rule)))
    return results


def _complete_ballots(box: Box, n_candidates: int) -> int:
    """Ballots that grade exactly the box's candidates, each with one of the grades."""
    each = _json_each()
    grades = ", ".join(["%s"] * len(GRADE_ORDER))
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT count(*) FROM {_BALLOT} b WHERE b.box_id = %s "
            f"AND (SELECT count(*) FROM {each}(b.marks) m) = %s "
            f"AND (SELECT count(*) FROM {each}(b.marks) m WHERE m.value IN ({grades}) "
            f"AND m.key IN (SELECT CAST(c.id AS TEXT) FROM {_CANDIDATE} c "
            f"WHERE c.box_id = %s)) = %s",
            [box.pk, n_candidates, *[str(g) for g in GRADE_ORDER], box.pk, n_candidates])
        return int(cur.fetchone()[0])


def audit(box: Box) -> Audit:
    issued = Box.objects.filter(pk=box.pk).values_list("codes_issued", flat=True).get()
    codes = Code.objects.filter(box=box).aggregate(
        left=Count("id"), void=Count("id", filter=Q(void=True)))
    return Audit(
        issued=issued, void=codes["void"], used=issued - codes["left"],
        ballots=Ballot.objects.filter(box=box).count(),
        counted=_complete_ballots(box, box.candidates.count()),
    )


def receipts(box: Box) -> list[str]:
    """The published receipt list, sorted so it says nothing about the order of voting."""
    return sorted(Ballot.objects.filter(box=box).values_list("receipt", flat=True))

