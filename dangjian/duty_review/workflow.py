"""The report workflow (R2.4) as data: one transition table and the body that acts at each stage.

draft → 集体初审 by the grassroots party org → 部门党组 审定 → 报工委 → 工委审定意见 (approved).
Any reviewer can send it back with opinions; the reporter then resubmits from the start.
A stage whose body does not exist (e.g. an office without a 党组) is passed automatically, and
the pass is recorded as a step too.
"""

from __future__ import annotations

from dangjian.duty_review.models import Assignment, ReportStatus
from dangjian.org.models import PARTY_ORG_KINDS, UNIT_KINDS, Body, BodyKind

REPORTER = "reporter"
SUBMIT, APPROVE, RETURN, PASS = "submit", "approve", "return", "pass"
ACTION_LABELS = {SUBMIT: "报送", APPROVE: "审核通过", RETURN: "退回修改", PASS: "自动跳过"}

# (from, action) -> (to, who acts: REPORTER or the stage whose reviewers act)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (ReportStatus.DRAFT, SUBMIT): (ReportStatus.PRELIM, REPORTER),
    (ReportStatus.RETURNED, SUBMIT): (ReportStatus.PRELIM, REPORTER),
    (ReportStatus.PRELIM, APPROVE): (ReportStatus.LEADING_GROUP, ReportStatus.PRELIM),
    (ReportStatus.PRELIM, RETURN): (ReportStatus.RETURNED, ReportStatus.PRELIM),
    (ReportStatus.LEADING_GROUP, APPROVE): (ReportStatus.WORK_COMMITTEE,
                                            ReportStatus.LEADING_GROUP),
    (ReportStatus.LEADING_GROUP, RETURN): (ReportStatus.RETURNED, ReportStatus.LEADING_GROUP),
    (ReportStatus.WORK_COMMITTEE, APPROVE): (ReportStatus.APPROVED, ReportStatus.WORK_COMMITTEE),
    (ReportStatus.WORK_COMMITTEE, RETURN): (ReportStatus.RETURNED, ReportStatus.WORK_COMMITTEE),
}
REVIEW_STAGES = (ReportStatus.PRELIM, ReportStatus.LEADING_GROUP, ReportStatus.WORK_COMMITTEE)
EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
STAGE_LABELS: dict[str, str] = {ReportStatus.PRELIM: "基层党组织集体初审",
                ReportStatus.LEADING_GROUP: "部门党组审定",
                ReportStatus.WORK_COMMITTEE: "工委审定意见"}


def unit_of(body: Body) -> Body | None:
    """The unit (department or office) a body belongs to."""
    node: Body | None = body
    while node is not None and node.kind not in UNIT_KINDS:
        node = node.parent
    return node


def _child(unit: Body, kinds: frozenset[str]) -> Body | None:
    return (Body.objects.filter(parent=unit, kind__in=kinds, valid_to__isnull=True)
            .order_by("depth", "sort_order", "pk").first())


def stage_bodies(pairs: list[tuple[Assignment, str]]) -> list[Body | None]:
    """`stage_body` for many reports at once, in two queries (for the review queue)."""
    reporter_bodies = [a.reporter_body for a, _ in pairs]
    # Only the ancestors' kinds are needed to find each unit (no Body objects built for them).
    kinds = dict(Body.objects.filter(
        pk__in={pk for b in reporter_bodies for pk in b.ancestor_ids}).values_list("pk", "kind"))

    def unit(body: Body) -> int | None:
        for pk in reversed(body.ancestor_ids):  # the path ends with the body itself
            if kinds.get(pk) in UNIT_KINDS:
                return pk
        return None

    units = [unit(b) for b in reporter_bodies]
    first: dict[tuple[int, bool], Body] = {}  # (unit id, is 党组) -> the child _child() picks
    children = Body.objects.filter(
        parent_id__in={u for u in units if u is not None}, valid_to__isnull=True,
        kind__in=PARTY_ORG_KINDS | {BodyKind.LEADING_GROUP},
    ).order_by("depth", "sort_order", "pk")
    for child in children:
        assert child.parent_id is not None
        first.setdefault((child.parent_id, child.kind == BodyKind.LEADING_GROUP), child)
    out: list[Body | None] = []
    for (assignment, stage), body, u in zip(pairs, reporter_bodies, units, strict=True):
        if stage == ReportStatus.WORK_COMMITTEE:
            out.append(assignment.plan.owner_body)
        elif stage == ReportStatus.LEADING_GROUP:
            out.append(first.get((u, True)) if u else None)
        elif stage == ReportStatus.PRELIM:
            out.append(body if body.kind in PARTY_ORG_KINDS
                       else first.get((u, False)) if u else None)
        else:
            out.append(None)
    return out


def stage_body(assignment: Assignment, stage: str) -> Body | None:
    """The body whose reviewers act at a stage for this reporter, or None (stage passed)."""
    if stage == ReportStatus.WORK_COMMITTEE:
        return assignment.plan.owner_body
    body = assignment.reporter_body
    unit = unit_of(body)
    if stage == ReportStatus.LEADING_GROUP:
        return _child(unit, frozenset({BodyKind.LEADING_GROUP})) if unit else None
    if stage == ReportStatus.PRELIM:
        if body.kind in PARTY_ORG_KINDS:
            return body
        return _child(unit, PARTY_ORG_KINDS) if unit else None
    return None
