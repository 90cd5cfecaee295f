"""Reads of 述职评议. Each takes the user and goes through the scope gate (Perm.DUTY_VIEW),
plus a reporter's own records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Model, Q, QuerySet

from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots.selectors import CandidateResult
from dangjian.duty_review.models import (
    Assignment,
    CountyEvaluation,
    DutyReport,
    Meeting,
    Remark,
    ReportStatus,
    ReviewPlan,
)
from dangjian.duty_review.workflow import REVIEW_STAGES, stage_bodies
from dangjian.org.models import Body
from dangjian.org.scope import Perm, grants_for, scope_q

if TYPE_CHECKING:
    from dangjian.rectification.models import Plan as RectificationPlan

_SELF = {Assignment: "reporter_id", DutyReport: "assignment__reporter_id",
         Remark: "assignment__reporter_id", CountyEvaluation: "assignment__reporter_id"}


def visible(user: Any, qs: QuerySet[Any], perm: Perm = Perm.DUTY_VIEW) -> QuerySet[Any]:
    """Rows in the user's scope for perm, plus (for reporters) their own."""
    q = scope_q(user, perm, qs.model)
    field = _SELF.get(qs.model)
    person_id = getattr(user, "person_id", None)
    if field and person_id:
        q |= Q(**{field: person_id})
    return qs.filter(q)


def plan_for_year(year: Any) -> ReviewPlan | None:
    return ReviewPlan.objects.select_related("year", "owner_body").filter(year=year).first()


def assignment_list(*, user: Any, plan: ReviewPlan, tier: str = "", query: str = ""
                    ) -> QuerySet[Assignment]:
    qs = visible(user, plan.assignments.select_related(
        "reporter", "reporter_body", "upper_body", "report").defer("reporter__id_number"))
    if tier:
        qs = qs.filter(tier=tier)
    if query:
        qs = qs.filter(Q(reporter__name__contains=query) | Q(reporter_body__name__contains=query))
    return qs


def status_counts(*, user: Any, plan: ReviewPlan) -> dict[str, dict[str, int]]:
    """Per tier, how many reports stand at each status (aggregated in the database)."""
    rows = (visible(user, DutyReport.objects.filter(assignment__plan=plan,
                                                    assignment__active=True))
            .values("assignment__tier", "status").annotate(n=Count("id")))
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        out.setdefault(r["assignment__tier"], {})[r["status"]] = r["n"]
    return out


def late_reports(*, user: Any, plan: ReviewPlan, today: dt.date) -> QuerySet[DutyReport]:
    """Reports not yet submitted (or sent back and not resubmitted) past their deadline."""
    return visible(user, DutyReport.objects.filter(
        assignment__plan=plan, assignment__active=True, assignment__deadline__lt=today,
        status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED],
    )).select_related("assignment__reporter", "assignment__reporter_body").defer(
        "assignment__reporter__id_number").order_by(
        "assignment__deadline", "assignment__reporter_body__path")


def my_reports(*, user: Any) -> QuerySet[DutyReport]:
    person_id = getattr(user, "person_id", None)
    return DutyReport.objects.filter(assignment__reporter_id=person_id or -1,
                                     assignment__active=True).select_related(
        "assignment__plan__year", "assignment__reporter_body", "assignment__upper_body"
    ).order_by("-assignment__plan__year__year", "assignment__tier")


def review_queue(*, user: Any) -> list[tuple[DutyReport, Body]]:
    """Reports waiting at a stage whose body the user reviews for."""
    grants = grants_for(user, Perm.DUTY_REVIEW)
    if not grants:
        return []
    near = Q(pk__in=[])
    for g in grants:
        path = Q(assignment__reporter_body__path__startswith=g.path) if g.recursive else Q(
            assignment__reporter_body__path=g.path)
        near |= path
        near |= Q(assignment__plan__owner_body__path__startswith=g.path) if g.recursive else Q(
            assignment__plan__owner_body__path=g.path)
    qs = DutyReport.objects.filter(near, status__in=REVIEW_STAGES).select_related(
        "assignment__reporter", "assignment__reporter_body").defer(
        "assignment__reporter__id_number").order_by("assignment__deadline", "id")
    reports = list(qs[:500])
    # The few plans once each (with their year and owner), shared by their reports' rows.
    plans = ReviewPlan.objects.select_related("owner_body", "year").in_bulk(
        {r.assignment.plan_id for r in reports})
    for r in reports:
        r.assignment.plan = plans[r.assignment.plan_id]
    bodies = stage_bodies([(r.assignment, r.status) for r in reports])
    return [(report, body) for report, body in zip(reports, bodies, strict=True)
            if body is not None and any(g.covers_path(body.path) for g in grants)]


def meeting_list(*, user: Any, plan: ReviewPlan | None) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(
        scope_q(user, Perm.DUTY_VIEW, Meeting) | scope_q(user, Perm.DUTY_MEETING, Meeting))
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.select_related("upper_body", "box").annotate(n=Count("agenda"))


@dataclass
class ResultRow:
    assignment: Assignment
    result: CandidateResult | None
    remarks: list[Remark]
    evaluation: CountyEvaluation | None
    rectification: RectificationPlan | None = None  # set by the results page once generated


def meeting_rows(meeting: Meeting, *, with_results: bool) -> list[ResultRow]:
    """Per reporter on the agenda: the tally (once the box is closed), remarks, 综合考评."""
    agenda = [i.assignment for i in meeting.agenda.select_related(
        "assignment__reporter", "assignment__reporter_body", "assignment__report",
        "assignment__county_evaluation", "assignment__plan").defer(
            "assignment__reporter__id_number")]
    by_ref: dict[str, CandidateResult] = {}
    if with_results and meeting.box is not None:
        by_ref = {r.candidate.ref: r for r in ballot_selectors.tally(meeting.box)}
    remarks: dict[int, list[Remark]] = {}
    for r in meeting.remarks.order_by("at", "id"):
        remarks.setdefault(r.assignment_id, []).append(r)
    return [ResultRow(a, by_ref.get(f"assignment:{a.pk}"), remarks.get(a.pk, []),
                      getattr(a, "county_evaluation", None)) for a in agenda]


def get_visible(user: Any, model: type[Model], pk: int, perm: Perm = Perm.DUTY_VIEW) -> Any:
    return visible(user, model._default_manager.filter(pk=pk), perm).first()
