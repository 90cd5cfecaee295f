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
