"""Reads of the scoring engine. Totals are aggregated in the database: a subject's total is
the sum over leaf indicators of the assessors' average score (times the weight for a weighted
set), less its deductions — one grouped query for any number of subjects.

The calling module decides who may read which subjects; these functions take the set and the
subject keys it has already scoped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from typing import Any

from django.db.models import Avg, Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.scoring.models import (
    WEIGHTED_MAX,
    Deduction,
    GradeThreshold,
    Indicator,
    IndicatorSet,
    Method,
    Score,
)

CENT = Decimal("0.01")
_DEC = DecimalField(max_digits=14, decimal_places=4)


def q2(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Node:
    indicator: Indicator
    depth: int
    max_points: Decimal  # a parent's is the sum of its leaves
    weight: Decimal
    is_leaf: bool


def tree(indicator_set: IndicatorSet) -> list[Node]:
    """The indicators in display order with depth and rolled-up maxima (one query)."""
    rows = list(indicator_set.indicators.order_by("order", "id"))
    children: dict[int | None, list[Indicator]] = defaultdict(list)
    for ind in rows:
        children[ind.parent_id].append(ind)
    out: list[Node] = []

    def walk(ind: Indicator, depth: int) -> tuple[Decimal, Decimal]:
        node = Node(ind, depth, ind.max_points, ind.weight, not children.get(ind.pk))
        out.append(node)
        if not node.is_leaf:
            sums = [walk(c, depth + 1) for c in children[ind.pk]]
            node.max_points = sum((s[0] for s in sums), Decimal(0))
            node.weight = sum((s[1] for s in sums), Decimal(0))
        return node.max_points, node.weight

    for root in children.get(None, []):
        walk(root, 0)
    return out


def leaves(indicator_set: IndicatorSet) -> list[Indicator]:
    return [n.indicator for n in tree(indicator_set) if n.is_leaf]


def full_marks(indicator_set: IndicatorSet, leaf_rows: list[Indicator] | None = None) -> Decimal:
    if indicator_set.method == Method.WEIGHTS:
        return WEIGHTED_MAX
    return sum((i.max_points for i in (leaf_rows or leaves(indicator_set))), Decimal(0))


def _factor(indicator_set: IndicatorSet, ind: Indicator) -> Decimal:
    return ind.weight / 100 if indicator_set.method == Method.WEIGHTS else Decimal(1)


def thresholds(indicator_set: IndicatorSet) -> list[tuple[str, Decimal]]:
    """[(grade, lowest total)] from 好 down, as set (差 has no line)."""
    rows = dict(GradeThreshold.objects.filter(set=indicator_set).values_list("grade", "min_total"))
    return [(str(g), rows[g]) for g in GRADE_ORDER if g in rows]


def grade_for(total: Decimal, lines: list[tuple[str, Decimal]]) -> str:
    for grade, lowest in lines:
        if total >= lowest:
            return grade
    return str(Grade.POOR)


@dataclass
class SubjectTotal:
    subject_key: str
    scored: Decimal  # from the scores
    deducted: Decimal
    total: Decimal
    grade: str  # the suggested grade from the thresholds
    scored_leaves: int  # how many leaf indicators have at least one score

    @property
    def grade_label(self) -> str:
        return Grade(self.grade).label


def _subjects(qs: QuerySet[Any], keys: Collection[str] | None) -> QuerySet[Any]:
    return qs if keys is None else qs.filter(subject_key__in=list(keys))


def totals(
    indicator_set: IndicatorSet, subject_keys: Collection[str] | None = None
) -> dict[str, SubjectTotal]:
    """Totals and suggested grades for every subject (or the given ones) in four queries:
    leaves, thresholds, scores grouped by subject, deductions grouped by subject."""
    leaf_rows = leaves(indicator_set)
    lines = thresholds(indicator_set)
    terms: list[Combinable] = [
        Coalesce(Avg("value", filter=Q(indicator_id=ind.pk), output_field=_DEC),
                 Value(Decimal(0)), output_field=_DEC) * Value(_factor(indicator_set, ind))
        for ind in leaf_rows
    ]
    scored: dict[str, tuple[Decimal, int]] = {}
    if terms:
        total_expr = reduce(lambda a, b: a + b, terms)
        rows = _subjects(Score.objects.filter(set=indicator_set), subject_keys).values(
            "subject_key").annotate(
            scored=total_expr, n=Count("indicator", distinct=True)).order_by()
        scored = {r["subject_key"]: (q2(r["scored"]), r["n"]) for r in rows}
    deducted = {
        r["subject_key"]: q2(r["d"])
        for r in _subjects(Deduction.objects.filter(set=indicator_set), subject_keys)
        .values("subject_key").annotate(d=Sum("points")).order_by()
    }
    out: dict[str, SubjectTotal] = {}
    for key in set(scored) | set(deducted):
        s, n = scored.get(key, (Decimal("0.00"), 0))
        d = deducted.get(key, Decimal("0.00"))
        total = s - d
        out[key] = SubjectTotal(key, s, d, total, grade_for(total, lines), n)
    return out


@dataclass
class LeafResult:
    indicator: Indicator
    max_points: Decimal  # the most a leaf can add to the total
    average: Decimal | None  # the assessors' average, on the leaf's own scale
    contribution: Decimal  # what it adds to the total
    scores: list[Score] = field(default_factory=list)

    @property
    def lost(self) -> Decimal:
        return self.max_points - self.contribution


@dataclass
class Breakdown:
    indicator_set: IndicatorSet
    subject_key: str
    leaves: list[LeafResult]
    deductions: list[Deduction]
    full_marks: Decimal

    @property
    def total(self) -> Decimal:
        return q2(sum((r.contribution for r in self.leaves), Decimal(0))
                  - sum((d.points for d in self.deductions), Decimal(0)))

    def by_source(self) -> dict[int, LeafResult]:
        """Results keyed by the indicator each leaf was copied from (for year-on-year)."""
        return {r.indicator.copied_from_id: r for r in self.leaves if r.indicator.copied_from_id}

    def by_id(self) -> dict[int, LeafResult]:
        return {r.indicator.pk: r for r in self.leaves}


def breakdown(indicator_set: IndicatorSet, subject_key: str) -> Breakdown:
    """Per leaf: every assessor's score and reason, the average and what it adds (3 queries)."""
    leaf_rows = leaves(indicator_set)
    by_leaf: dict[int, list[Score]] = defaultdict(list)
    for s in Score.objects.filter(set=indicator_set, subject_key=subject_key).select_related(
            "assessor").order_by("indicator_id", "assessor_id"):
        by_leaf[s.indicator_id].append(s)
    results = []
    for ind in leaf_rows:
        scores = by_leaf.get(ind.pk, [])
        avg = q2(sum((s.value for s in scores), Decimal(0)) / len(scores)) if scores else None
        factor = _factor(indicator_set, ind)
        top = ind.weight if indicator_set.method == Method.WEIGHTS else ind.max_points
        results.append(LeafResult(ind, top, avg, q2((avg or 0) * factor), scores))
    deductions = list(Deduction.objects.filter(set=indicator_set, subject_key=subject_key)
                      .select_related("indicator", "recorded_by").order_by("recorded_at"))
    return Breakdown(indicator_set, subject_key, results, deductions,
                     full_marks(indicator_set, leaf_rows))


@dataclass
class ReplayRow:
    subject_key: str
    old_total: Decimal
    old_grade: str
    new_total: Decimal
    new_grade: str

    @property
    def changed(self) -> bool:
        return self.old_grade != self.new_grade

    @property
    def old_label(self) -> str:
        return Grade(self.old_grade).label

    @property
    def new_label(self) -> str:
        return Grade(self.new_grade).label


def replay(
    *, draft: IndicatorSet, source: IndicatorSet, subject_keys: Collection[str] | None = None
) -> list[ReplayRow]:
    """Last year's scores on this year's draft: each draft leaf copied from a source leaf keeps
    the share of its maximum the subject earned there; a new leaf gets the subject's share over
    all mapped leaves. The draft's thresholds then give the grade it would have had."""
    old = totals(source, subject_keys)
    src_leaves = {i.pk: i for i in leaves(source)}
    annotations = {f"i{pk}": Avg("value", filter=Q(indicator_id=pk), output_field=_DEC)
                   for pk in src_leaves}
    rows = (_subjects(Score.objects.filter(set=source), subject_keys).values("subject_key")
            .annotate(**annotations).order_by()) if annotations else []
    averages = {r["subject_key"]: r for r in rows}
    new_leaves = leaves(draft)
    lines = thresholds(draft)

    def share(src: Indicator, avg: Any) -> Decimal:
        top = WEIGHTED_MAX if source.method == Method.WEIGHTS else src.max_points
        return Decimal(avg) / top if top else Decimal(0)

    def capacity(ind: Indicator) -> Decimal:
        return ind.weight if draft.method == Method.WEIGHTS else ind.max_points

    out = []
    for key in sorted(old):
        avgs = averages.get(key, {})
        mapped: list[tuple[Indicator, Decimal]] = []
        for ind in new_leaves:
            src = src_leaves.get(ind.copied_from_id or 0)
            if src is not None:
                mapped.append((ind, share(src, avgs.get(f"i{src.pk}") or 0)))
        cap = sum((capacity(i) for i, _ in mapped), Decimal(0))
        overall = (sum((capacity(i) * s for i, s in mapped), Decimal(0)) / cap) if cap else 0
        mapped_ids = {i.pk for i, _ in mapped}
        total = sum((capacity(i) * s for i, s in mapped), Decimal(0)) + sum(
            (capacity(i) * Decimal(overall) for i in new_leaves if i.pk not in mapped_ids),
            Decimal(0))
        new_total = q2(total) - old[key].deducted
        out.append(ReplayRow(key, old[key].total, old[key].grade, new_total,
                             grade_for(new_total, lines)))
    return out


def set_for(*, purpose: str, year: Any) -> QuerySet[IndicatorSet]:
    return IndicatorSet.objects.filter(purpose=purpose, year=year)
