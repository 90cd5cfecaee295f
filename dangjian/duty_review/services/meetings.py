"""评议会 (R2.5–R2.8): the agenda and its ballot box, 点评 and 现场询问 against each reporter,
the 县委's 综合考评, and after the meeting each reporter's rectification plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.ballots.models import Box, BoxStatus
from dangjian.ballots.services import box_create
from dangjian.core.grades import Grade
from dangjian.duty_review.models import (
    AgendaItem,
    Assignment,
    CountyEvaluation,
    Form,
    Meeting,
    PlanStatus,
    Remark,
    RemarkFinding,
    RemarkKind,
    ReportStatus,
    ReviewPlan,
)
from dangjian.duty_review.points import PROBLEMS, TIER_SHORT, Tier, problem_lines
from dangjian.duty_review.services import notices
from dangjian.duty_review.services.plans import SOURCE
from dangjian.duty_review.services.reports import latest_version
from dangjian.org.models import Body
from dangjian.org.scope import Perm, require_body
from dangjian.rectification.models import Plan
from dangjian.rectification.services import item_add, plan_create
from dangjian.trail.changes import change_record, snapshot

PURPOSE = "duty_review"  # the ballots engine's purpose for boxes made here


def candidate_ref(assignment: Assignment) -> str:
    return f"assignment:{assignment.pk}"


@transaction.atomic
def meeting_create(
    *, actor: Any, plan: ReviewPlan, upper_body: Body, tier: str, held_on: dt.date,
    form: str = Form.MEETING, title: str = "", place: str = "", members: str = "",
    raters: str = "", assignments: Iterable[Assignment] | None = None, check_scope: bool = True,
) -> Meeting:
    """A meeting (or written evaluation) of the reporters of one tier before one upper body;
    its ballot box (purpose "duty_review") has the agenda's reporters as candidates."""
    if check_scope:
        require_body(actor, Perm.DUTY_MEETING, upper_body)
    if not ReviewPlan.objects.filter(pk=plan.pk, status=PlanStatus.PUBLISHED).exists():
        raise ValidationError("工作方案印发后才能安排述职评议会")
    if tier not in Tier.values or form not in Form.values:
        raise ValidationError("请选择述职层级和形式")
    pool = plan.assignments.filter(active=True, tier=tier, upper_body=upper_body, form=form,
                                   agenda__isnull=True).select_related("reporter",
                                                                        "reporter_body",
                                                                        "report")
    chosen = list(pool) if assignments is None else [
        a for a in pool if a.pk in {x.pk for x in assignments}]
    if assignments is not None and len(chosen) != len({x.pk for x in assignments}):
        raise ValidationError("所选述职人不属于该组织、层级和形式，或已安排在其他评议会")
    if not chosen:
        raise ValidationError(f"{upper_body.name}没有待安排{Form(form).label}的述职人")
    _require_in_year(plan, held_on)
    pending = unapproved_reporters(chosen)
    if pending and plan.require_approved_reports:
        raise ValidationError(
            f"工作方案规定述职报告审定后才能列入议程，以下{len(pending)}名述职人的报告尚未审定："
            + "、".join(pending))
    if not title.strip():
        kind = "评议会" if form == Form.MEETING else "书面评议"
        title = f"{plan.year.year}年度{upper_body.name}{TIER_SHORT[Tier(tier)]}{kind}"
    meeting = Meeting(plan=plan, tier=tier, form=form, title=title.strip(),
                      upper_body=upper_body, held_on=held_on, place=place.strip(),
                      members=members.strip(), raters=raters.strip())
    meeting.full_clean()
    meeting.save()
    AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=meeting, assignment=a, order=i) for i, a in enumerate(chosen)])
    meeting.box = box_create(
        actor=actor, title=meeting.title, purpose=PURPOSE, owner_body=upper_body,
        ref=f"meeting:{meeting.pk}", rule=plan.rule or None, check_scope=check_scope,
        candidates=[(a.reporter.name, candidate_ref(a), a.reporter_body.name) for a in chosen])
    meeting.save(update_fields=["box"])
    change_record(actor=actor, action="create", obj=meeting,
                  after={**snapshot(meeting), "述职人": [a.reporter.name for a in chosen]})
    notices.meeting_scheduled(actor=actor, meeting=meeting)
    return meeting


def _require_in_year(plan: ReviewPlan, held_on: dt.date) -> None:
    year = plan.year
    if not year.starts <= held_on <= year.ends:
        raise ValidationError({"held_on": f"评议会日期应在{year.year}年度内"
                                          f"（{year.starts:%Y-%m-%d}至{year.ends:%Y-%m-%d}）"})


def unapproved_reporters(assignments: Iterable[Assignment]) -> list[str]:
    """Reporters whose report is not yet 已审定 (with its state), for the agenda's warning."""
    out = []
    for a in assignments:
        report = getattr(a, "report", None)
        if report is None or report.status != ReportStatus.APPROVED:
            state = report.get_status_display() if report is not None else "未建立报告"
            out.append(f"{a.reporter.name}（{state}）")
    return out


EDITABLE_FIELDS = ("title", "held_on", "place", "members", "raters")


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, title: str, held_on: dt.date, place: str,
                   members: str, raters: str) -> Meeting:
    """Correct a meeting's particulars until its ballots open; after that it is a record."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related(
        "plan__year", "upper_body", "box").get(pk=meeting.pk)
    require_chair(actor, meeting)
    if meeting.box is not None and meeting.box.status != BoxStatus.DRAFT:
        raise ValidationError("测评已开始，评议会信息不能再修改")
    if not title.strip():
        raise ValidationError({"title": "请填写评议会名称"})
    _require_in_year(meeting.plan, held_on)
    before = snapshot(meeting)
    meeting.title, meeting.held_on, meeting.place = title.strip(), held_on, place.strip()
    meeting.members, meeting.raters = members.strip(), raters.strip()
    meeting.full_clean()
    meeting.save(update_fields=list(EDITABLE_FIELDS))
    change_record(actor=actor, action="update", obj=meeting, before=before,
                  after=snapshot(meeting))
    return meeting


def require_chair(actor: Any, meeting: Meeting) -> None:
    require_body(actor, Perm.DUTY_MEETING, meeting.upper_body)


def _on_agenda(meeting: Meeting, assignment: Assignment) -> None:
    if not meeting.agenda.filter(assignment=assignment).exists():
        raise ValidationError("该述职人不在本次评议会议程中")


@transaction.atomic
def remark_add(*, actor: Any, meeting: Meeting, assignment: Assignment, kind: str,
               speaker: str, text: str, answer: str = "", finding: str = "",
               check_scope: bool = True) -> Remark:
    """Record a 点评, or a 现场询问 with the reporter's answer, against a reporter (R2.6),
    with its nature: a problem pointed out (it may become a rectification item), praise, or
    a question answered."""
    if check_scope:
        require_chair(actor, meeting)
    if meeting.form != Form.MEETING:
        raise ValidationError("书面述职不进行现场点评和询问")
    _on_agenda(meeting, assignment)
    errors = {}
    if kind not in RemarkKind.values:
        errors["kind"] = "请选择点评或现场询问"
    if finding not in RemarkFinding.values:
        errors["finding"] = "请选择这条意见的性质：指出问题（列入整改）、肯定成绩或一般询问"
    if not speaker.strip():
        errors["speaker"] = "请填写点评（询问）人"
    if not text.strip():
        errors["text"] = "请填写点评或询问的内容"
    if kind == RemarkKind.QUESTION and not answer.strip():
        errors["answer"] = "请记录述职人对现场询问的回答"
    if errors:
        raise ValidationError(errors)
    remark = Remark(meeting=meeting, assignment=assignment, kind=kind, finding=finding,
                    speaker=speaker.strip(),
                    text=text.strip(), answer=answer.strip(),
                    actor=actor if getattr(actor, "is_authenticated", False) else None)
    remark.full_clean()
    remark.save()
    change_record(actor=actor, action="create", obj=remark, after=snapshot(remark))
    return remark


def _require_closed(meeting: Meeting, what: str) -> None:
    box_id = meeting.box_id
    if box_id is None or not Box.objects.filter(pk=box_id, status=BoxStatus.CLOSED).exists():
        raise ValidationError(f"测评结束后才能{what}")


@transaction.atomic
def county_evaluate(*, actor: Any, assignment: Assignment, grade: str, opinion: str,
                    check_scope: bool = True) -> CountyEvaluation:
    """县委's 综合考评 of a 工委 or 党组 secretary, recorded on top of the ballots (R2.1)."""
    if check_scope:
        require_body(actor, Perm.DUTY_EVALUATE, assignment.upper_body)
    if assignment.tier != Tier.LEADERSHIP:
        raise ValidationError("综合考评只适用于向县委述职的工委和党组书记")
    item = assignment.agenda.select_related("meeting__box").first()
    if item is None:
        raise ValidationError("该述职人尚未参加述职评议")
    _require_closed(item.meeting, "进行综合考评")
    if grade not in Grade.values:
        raise ValidationError({"grade": "请选择综合考评等次"})
    if not opinion.strip():
        raise ValidationError({"opinion": "请填写考评意见"})
    evaluation, created = CountyEvaluation.objects.update_or_create(
        assignment=assignment,
        defaults={"grade": grade, "opinion": opinion.strip(),
                  "actor": actor if getattr(actor, "is_authenticated", False) else None})
    change_record(actor=actor, action="create" if created else "update", obj=evaluation,
                  after={"综合考评等次": Grade(grade).label, "考评意见": opinion.strip()})
    notices.evaluated(evaluation=evaluation)
    return evaluation


def rectification_plan_of(assignment: Assignment) -> Plan | None:
    return Plan.objects.filter(source=SOURCE, source_ref=candidate_ref(assignment),
                               year=assignment.plan.year).first()


def rectification_plans_of(assignments: list[Assignment]) -> dict[int, Plan | None]:
    """Assignment id -> its rectification plan (or None), as `rectification_plan_of` finds
    each, in one query for any number of assignments."""
    wanted = {(candidate_ref(a), a.plan.year_id): a.pk for a in assignments}
    found: dict[int, Plan | None] = dict.fromkeys(wanted.values())
    plans = Plan.objects.filter(
        source=SOURCE, source_ref__in={ref for ref, _ in wanted},
        year_id__in={year for _, year in wanted}).order_by("id")
    for plan in plans:
        pk = wanted.get((plan.source_ref, plan.year_id))
        if pk is not None and found[pk] is None:
            found[pk] = plan
    return found


@dataclass(frozen=True)
class Candidate:
    """A possible rectification item: a remark marked as a problem, or a problem line of the
    report. `key` names it in the organiser's confirmation."""

    key: str
    problem: str
    origin: str


def rectification_candidates(meeting: Meeting) -> list[tuple[Assignment, list[Candidate]]]:
    """For each reporter on the agenda, what may become their rectification items: the remarks
    marked 指出问题 (praise and answered questions never) and the problems listed in the
    report. The organiser confirms the list before any plan is made."""
    out = []
    agenda = meeting.agenda.select_related("assignment__reporter", "assignment__reporter_body",
                                           "assignment__upper_body", "assignment__plan__year")
    for item in agenda:
        a = item.assignment
        found = [Candidate(f"remark:{r.pk}", r.text, f"述职评议会{r.get_kind_display()}")
                 for r in a.remarks.filter(meeting=meeting, finding=RemarkFinding.PROBLEM)]
        report = getattr(a, "report", None)
        version = latest_version(report) if report is not None else None
        found += [Candidate(f"report:{a.pk}:{i}", line, "述职报告所列问题") for i, line in
                  enumerate(problem_lines(version.sections.get(PROBLEMS, "") if version else ""))]
        out.append((a, found))
    return out


@transaction.atomic
def meeting_rectification(*, actor: Any, meeting: Meeting, deadline: dt.date | None = None,
                          picks: Collection[str] | None = None,
                          check_scope: bool = True) -> list[Plan]:
    """After the meeting (R2.8): for each reporter with at least one confirmed item, a
    rectification plan of the confirmed items (`picks`: candidate keys; None: every candidate).
    A reporter with nothing to rectify gets no plan. Making them again adds nothing."""
    if check_scope:
        require_chair(actor, meeting)
    _require_closed(meeting, "生成整改方案")
    year = meeting.plan.year
    deadline = deadline or year.ends
    chosen = [(a, [c for c in found if picks is None or c.key in picks])
              for a, found in rectification_candidates(meeting)]
    if picks is not None and not any(items for _, items in chosen):
        raise ValidationError("没有选中任何整改事项：请勾选要列入整改方案的问题"
                              "（标为“指出问题”的点评、询问和述职报告所列问题）")
    plans = []
    for a, items in chosen:
        existing = rectification_plan_of(a)
        if existing is not None and existing.items.exists():
            plans.append(existing)
            continue
        if not items:
            continue
        plan = plan_create(actor=actor, year=year, source=SOURCE, source_ref=candidate_ref(a),
                           title=f"{a.reporter.name}{year.year}年度述职评议整改方案",
                           owner_body=a.reporter_body, owner_person=a.reporter,
                           verifier_body=a.upper_body, check_scope=False)
        for c in items:
            item_add(actor=actor, plan=plan, problem=c.problem, deadline=deadline,
                     origin=c.origin, check_scope=False)
        plans.append(plan)
    meeting.rectification_at = meeting.rectification_at or timezone.now()
    meeting.save(update_fields=["rectification_at"])
    change_record(actor=actor, action="update", obj=meeting, after={"生成整改方案": len(plans)})
    return plans
