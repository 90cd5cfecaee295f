"""Reads of 党建考核, scoped: a user sees the assessments Perm.ASSESS_VIEW reaches plus those of
the teams they sit on. Results for every department come in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from dangjian.assessment.models import (
    Assessment,
    Feedback,
    Judgement,
    Leader,
    Scheme,
    SubjectKind,
    subject_key,
)
from dangjian.ballots import rules
from dangjian.ballots.models import Candidate
from dangjian.ballots.selectors import grade_counts
from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.cycles.models import Year
from dangjian.org.models import Person
from dangjian.org.scope import Perm, scope_q
from dangjian.scoring import selectors as scoring
from dangjian.scoring.selectors import Breakdown, SubjectTotal


def scheme_for(year: Year | None) -> Scheme | None:
    if year is None:
        return None
    return Scheme.objects.filter(year=year).select_related(
        "year", "owner_body", "set_leading_group", "set_secretary", "set_member").first()


def assessment_list(*, user: Any, scheme: Scheme) -> QuerySet[Assessment]:
    visible = scope_q(user, Perm.ASSESS_VIEW, Assessment) | Q(team__members=user) | Q(
        team__leader=user)
    ids = Assessment.objects.filter(scheme=scheme).filter(visible).values("pk")
    return (Assessment.objects.filter(pk__in=ids)
            .select_related("unit", "team", "box", "scheme__year")
            .order_by("unit__sort_order", "unit_id"))


@dataclass
class SubjectRow:
    kind: str
    label: str
    key: str
    person: Person | None
    total: SubjectTotal | None
    judgement: Judgement | None
    poll: str | None  # the 民主测评 overall grade

    @property
    def final(self) -> str | None:
        return self.judgement.grade if self.judgement else None

    @property
    def final_label(self) -> str:
        return Grade(self.final).label if self.final else "未研判"

    @property
    def poll_label(self) -> str:
        return Grade(self.poll).label if self.poll else "—"

    @property
    def kind_label(self) -> str:
        return SubjectKind(self.kind).label


@dataclass
class DeptRow:
    assessment: Assessment
    dept: SubjectRow
    leaders: list[SubjectRow] = field(default_factory=list)
    feedback: Feedback | None = None


def _polls(assessments: list[Assessment]) -> dict[tuple[int, str], str | None]:
    """(box id, candidate ref) -> overall grade, for every box in one grouped query."""
    boxes = {a.box_id: a.box for a in assessments if a.box_id and a.box}
    counted = grade_counts(boxes)
    return {(box_id, ref): rules.overall(counted[pk], boxes[box_id].rule)
            for pk, box_id, ref in Candidate.objects.filter(box_id__in=list(boxes))
            .values_list("pk", "box_id", "ref")
            if pk in counted}


def results(*, user: Any, scheme: Scheme) -> list[DeptRow]:
    """Every visible department with its leaders: totals, suggested grades, 测评 and judgements.
    Queries do not grow with the departments (assessments, leaders, 3×4 totals, judgements,
    feedback, poll marks)."""
    assessments = list(assessment_list(user=user, scheme=scheme))
    ids = [a.pk for a in assessments]
    leaders: dict[int, list[Leader]] = defaultdict(list)
    for leader in Leader.objects.filter(assessment__in=ids).select_related("person").defer(
            "person__id_number"):  # not shown: nothing to unseal
        leaders[leader.assessment_id].append(leader)
    totals = {kind: scoring.totals(scheme.set_of(kind)) for kind in SubjectKind}
    judgements = {(j.assessment_id, j.kind, j.person_id): j
                  for j in Judgement.objects.filter(assessment__in=ids)}
    feedback = {f.assessment_id: f for f in Feedback.objects.filter(assessment__in=ids)}
    polls = _polls(assessments)
    out = []
    for a in assessments:
        key = subject_key(SubjectKind.LEADING_GROUP, a.unit_id)
        dept = SubjectRow(SubjectKind.LEADING_GROUP, a.unit.name, key, None,
                          totals[SubjectKind.LEADING_GROUP].get(key),
                          judgements.get((a.pk, SubjectKind.LEADING_GROUP, None)),
                          polls.get((a.box_id or 0, key)))
        row = DeptRow(a, dept, feedback=feedback.get(a.pk))
        for leader in leaders[a.pk]:
            lkey = subject_key(leader.kind, leader.person_id)
            row.leaders.append(SubjectRow(
                leader.kind, leader.person.name, lkey, leader.person,
                totals[SubjectKind(leader.kind)].get(lkey),
                judgements.get((a.pk, leader.kind, leader.person_id)),
                polls.get((a.box_id or 0, lkey))))
        out.append(row)
    return out


def distribution(rows: list[DeptRow]) -> list[tuple[str, int]]:
    """Departments per judged grade (好 … 差), then those not yet judged."""
    counts = {str(g): 0 for g in GRADE_ORDER}
    pending = 0
    for row in rows:
        if row.dept.final:
            counts[row.dept.final] += 1
        else:
            pending += 1
    out = [(Grade(g).label, counts[str(g)]) for g in GRADE_ORDER]
    return out + ([("未研判", pending)] if pending else [])


def report_summary(rows: list[DeptRow]) -> dict[str, Any]:
    """The facts a special report's first draft is written from."""
    problems: list[str] = []
    for row in rows:
        if row.feedback:
            problems += [f"{row.dept.label}：{p}" for p in row.feedback.problem_lines()[:2]]
    return {"count": len(rows), "distribution": distribution(rows),
            "best": [r.dept.label for r in rows if r.dept.final == "good"],
            "weak": [r.dept.label for r in rows if r.dept.final in ("average", "poor")],
            "problems": problems}


@dataclass
class ExplainRow:
    code: str
    title: str
    max_points: Decimal
    average: Decimal | None
    contribution: Decimal
    lost: Decimal
    previous: Decimal | None  # last year's contribution of the indicator it was copied from
    reasons: list[str]

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.contribution - self.previous


@dataclass
class Explanation:
    label: str
    kind: str
    breakdown: Breakdown
    suggested: str
    rows: list[ExplainRow]
    poll: str | None
    poll_counts: dict[str, int]
    judgement: Judgement | None
    previous_total: Decimal | None
    previous_grade: str | None
    previous_poll: str | None

    @property
    def movers(self) -> list[ExplainRow]:
        """The indicators that cost the most points."""
        return sorted((r for r in self.rows if r.lost > 0), key=lambda r: -r.lost)[:3]

    @property
    def changes(self) -> list[ExplainRow]:
        moved = [r for r in self.rows if r.change]
        return sorted(moved, key=lambda r: -abs(r.change or Decimal(0)))[:3]


def _poll_counts(assessment: Assessment | None, key: str) -> tuple[str | None, dict[str, int]]:
    if assessment is None or assessment.box is None:
        return None, {}
    cand = assessment.box.candidates.filter(ref=key).values_list("pk", flat=True).first()
    counts = grade_counts([assessment.box.pk]).get(cand, {}) if cand else {}
    return rules.overall(counts, assessment.box.rule), dict(counts)


def explain(*, assessment: Assessment, kind: str, person: Person | None) -> Explanation:
    """Why a subject has its grade: points lost per indicator with the assessors' reasons, the
    测评 result, deductions, and what changed since last year."""
    key = subject_key(kind, assessment.unit_id if person is None else person.pk)
    scheme = assessment.scheme
    indicator_set = scheme.set_of(kind)
    bd = scoring.breakdown(indicator_set, key)
    lines = scoring.thresholds(indicator_set)
    prev_scheme = scheme_for(scheme.year.previous) if scheme.year.previous_id else None
    prev_bd: Breakdown | None = None
    prev_assessment = None
    if prev_scheme is not None:
        prev_bd = scoring.breakdown(prev_scheme.set_of(kind), key)
        prev_assessment = Assessment.objects.filter(
            scheme=prev_scheme, unit=assessment.unit).select_related("box").first()
    prev_by_id = prev_bd.by_id() if prev_bd else {}
    rows = []
    for leaf in bd.leaves:
        prev = prev_by_id.get(leaf.indicator.copied_from_id or 0)
        rows.append(ExplainRow(
            leaf.indicator.code, leaf.indicator.title, leaf.max_points, leaf.average,
            leaf.contribution, leaf.lost,
            prev.contribution if prev and prev.scores else None,
            [f"{s.assessor}：{s.value}分，{s.reason}" for s in leaf.scores]))
    poll, counts = _poll_counts(assessment, key)
    prev_poll, _ = _poll_counts(prev_assessment, key)
    judgement = Judgement.objects.filter(assessment=assessment, kind=kind, person=person).first()
    prev_j = Judgement.objects.filter(assessment=prev_assessment, kind=kind,
                                      person=person).first() if prev_assessment else None
    has_prev = prev_bd is not None and any(r.scores for r in prev_bd.leaves)
    return Explanation(
        label=person.name if person else assessment.unit.name, kind=kind, breakdown=bd,
        suggested=scoring.grade_for(bd.total, lines), rows=rows, poll=poll, poll_counts=counts,
        judgement=judgement, previous_total=prev_bd.total if prev_bd and has_prev else None,
        previous_grade=prev_j.grade if prev_j else None, previous_poll=prev_poll)
