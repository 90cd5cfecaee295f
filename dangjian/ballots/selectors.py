from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangjian.ballots import rules
from dangjian.ballots.models import Ballot, Box, Candidate, Code, Mark
from dangjian.ballots.services import Audit
from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.org.scope import Perm, scope_filter


def box_list(*, user: Any, purpose: str = "") -> QuerySet[Box]:
    qs = scope_filter(user, Perm.BALLOT_MANAGE, Box.objects.select_related("owner_body"))
    return qs.filter(purpose=purpose) if purpose else qs


def used_count(box: Box) -> int:
    return Code.objects.filter(box=box, used=True).count()


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


def tally(box: Box) -> list[CandidateResult]:
    """Per candidate, the count of each grade — aggregated in the database, one query."""
    annotations = {g: Count("marks", filter=Q(marks__grade=g)) for g in GRADE_ORDER}
    results = []
    for cand in box.candidates.annotate(**annotations).order_by("order", "id"):
        counts: dict[str, int] = {str(g): getattr(cand, g) for g in GRADE_ORDER}
        total = sum(counts.values())
        results.append(CandidateResult(cand, counts, total, rules.overall(counts, box.rule)))
    return results


def audit(box: Box) -> Audit:
    codes = Code.objects.filter(box=box).aggregate(
        issued=Count("id"), used=Count("id", filter=Q(used=True)),
        void=Count("id", filter=Q(void=True)),
    )
    n_candidates = box.candidates.count()
    ballots = Ballot.objects.filter(box=box).annotate(n=Count("marks"))
    return Audit(
        issued=codes["issued"], void=codes["void"], used=codes["used"],
        ballots=ballots.count(), counted=ballots.filter(n=n_candidates).count(),
    )


def receipts(box: Box) -> list[str]:
    """The published receipt list, sorted so it says nothing about the order of voting."""
    return sorted(Ballot.objects.filter(box=box).values_list("receipt", flat=True))


def marks_count(box: Box) -> int:
    return Mark.objects.filter(ballot__box=box).count()
