"""Demo data for 述职评议: last year complete (reports approved, meetings with ballots, results,
综合考评, rectification partly done) and this year in progress. Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from dangjian.accounts.models import User
from dangjian.ballots.services import ballot_submit, box_close, box_open, codes_issue
from dangjian.core.grades import GRADE_ORDER
from dangjian.cycles.models import Year
from dangjian.duty_review.models import DutyReport, Form, Meeting, ReviewPlan
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import (
    assignment_update,
    county_evaluate,
    meeting_create,
    meeting_rectification,
    plan_create,
    plan_generate,
    plan_publish,
    remark_add,
    report_save,
    report_transition,
)
from dangjian.duty_review.services.reports import report_sections
from dangjian.org.models import Body, BodyKind, Role
from dangjian.rectification.models import ItemStatus
from dangjian.rectification.services import item_plan, transition

COMMENTS = ("理论学习与业务工作结合不够紧密", "支部“三会一课”记录不够规范",
            "联系服务群众的举措还不够具体", "党建工作责任传导不到位，压力层层递减",
            "对所属党支部的督促检查频次偏少", "发展党员工作计划性不强")
QUESTIONS = (("下一步如何解决党建和业务“两张皮”问题？",
              "将党建任务纳入科室年度考核，每季度同步调度"),
             ("支部主题党日活动如何提高参与率？", "结合业务开展主题实践，实行活动积分管理"),
             ("去年整改事项还有哪些没有完成？", "还有一项正在推进，年底前全部完成"))
PROBLEMS = ("政治理论学习的系统性不够", "创新基层党建工作方法不多",
            "党员先锋模范作用发挥不够充分", "廉政风险防控措施落实不够细")


OPINIONS = {"prelim": "经支部（党委）委员会集体初审，同意上报",
            "leading_group": "经党组会议研究审定，同意报送",
            "work_committee": "内容全面，问题查摆较深刻，同意述职"}


@dataclass(frozen=True)
class _Reporter:
    """Acts as the reporter when they have no account (demo history only)."""

    person_id: int
    is_authenticated: bool = False


def _text(report: DutyReport, rng: random.Random) -> dict[str, str]:
    name = report.assignment.reporter.name
    out = {s.key: f"{name}同志围绕“{s.title[2:18]}”认真履职，按要求完成年度各项任务。"
           for s in report_sections(report)}
    out["problems"] = "\n".join(rng.sample(PROBLEMS, 2))
    if "rectification" in out:
        out["rectification"] = "上年度述职评议提出的整改事项已逐项落实，其中部分事项正在持续推进。"
    return out


def _walk(report: DutyReport, until: str, rng: random.Random, admin: Any) -> None:
    """Write and move a report along the workflow as far as `until`."""
    report_save(actor=None, report=report, sections=_text(report, rng), check_scope=False)
    if until == "draft":
        return
    report = report_transition(actor=None, report=report, action="submit", check_scope=False)
    while report.status in OPINIONS and report.status != until:
        report = report_transition(
            actor=admin if report.status == "work_committee" else None, report=report,
            action="approve", opinion=OPINIONS[report.status], check_scope=False)


def _vote(meeting: Meeting, n: int, rng: random.Random) -> None:
    box = meeting.box
    assert box is not None
    codes = codes_issue(actor=None, box=box, count=n + 2, check_scope=False)
    box_open(actor=None, box=box, check_scope=False)
    cands = list(box.candidates.values_list("pk", flat=True))
    lean = {pk: rng.choice((0.75, 0.55, 0.35)) for pk in cands}
    for code in codes[:n]:
        grades = {}
        for pk in cands:
            x = rng.random()
            g = 0 if x < lean[pk] else 1 if x < lean[pk] + 0.2 else 2 if x < 0.97 else 3
            grades[str(pk)] = GRADE_ORDER[g]
        ballot_submit(box_id=box.pk, code=code, grades=grades)
    box_close(actor=None, box=box, check_scope=False)


def _remarks(meeting: Meeting, rng: random.Random, speaker: str) -> None:
    for item in meeting.agenda.select_related("assignment")[:8]:
        remark_add(actor=None, meeting=meeting, assignment=item.assignment, kind="comment",
                   finding="problem", speaker=speaker, text=rng.choice(COMMENTS),
                   check_scope=False)
        if rng.random() < 0.5:
            q, a = rng.choice(QUESTIONS)
            remark_add(actor=None, meeting=meeting, assignment=item.assignment, kind="question",
                       finding="question", speaker=speaker, text=q, answer=a,
                       check_scope=False)


def _rectify(meeting: Meeting, rng: random.Random, verifier: Any) -> None:
    plans = meeting_rectification(actor=None, meeting=meeting, check_scope=False)
    for plan in plans:
        me = _Reporter(plan.owner_person_id or 0)
        for item in plan.items.all():
            roll = rng.random()
            if roll < 0.3:
                continue  # not started: overdue now
            item_plan(actor=me, item=item, measures="制定具体措施，明确责任人和完成时限",
                      deadline=item.deadline, owner=None)
            transition(actor=me, item=item, to=ItemStatus.IN_PROGRESS,
                       note="已召开专题会议部署整改")
            if roll < 0.55:
                continue
            transition(actor=me, item=item, to=ItemStatus.SUBMITTED, note="整改措施已全部落实")
            if roll < 0.7 or verifier is None:
                continue
            transition(actor=verifier, item=item, to=ItemStatus.CLOSED,
                       note="经核查，整改到位，同意销号")


def _plan(year: Year, deadline: dt.date, member_branches: list[Body] | None = None
          ) -> ReviewPlan:
    plan = plan_create(actor=None, year=year, report_deadline=deadline, check_scope=False,
                       notes="各述职对象按时撰写述职报告，经基层党组织集体初审、部门党组审定后报工委。")
    plan_generate(actor=None, plan=plan, member_branches=member_branches, check_scope=False)
    return plan


def _meetings(plan: ReviewPlan, day: dt.date, rng: random.Random, branches: int
              ) -> list[Meeting]:
    made = []
    lead = plan.assignments.filter(tier=Tier.LEADERSHIP).first()
    if lead is not None:
        made.append(meeting_create(actor=None, plan=plan, upper_body=lead.upper_body,
                                   tier=Tier.LEADERSHIP, held_on=day, place="县委常委会议室",
                                   members="县委书记、县委副书记、县委组织部部长",
                                   raters="县委委员、县直部门主要负责人", check_scope=False))
    wc = plan.owner_body
    if plan.assignments.filter(tier=Tier.PARTY_ORG, form=Form.MEETING).exists():
        made.append(meeting_create(actor=None, plan=plan, upper_body=wc, tier=Tier.PARTY_ORG,
                                   held_on=day, place="工委会议室", members="工委书记、副书记",
                                   raters="工委委员、部门分管党建负责人", check_scope=False))
    if plan.assignments.filter(tier=Tier.PARTY_ORG, form=Form.WRITTEN).exists():
        made.append(meeting_create(actor=None, plan=plan, upper_body=wc, tier=Tier.PARTY_ORG,
                                   form=Form.WRITTEN, held_on=day, check_scope=False))
    uppers = (plan.assignments.filter(tier=Tier.MEMBER).order_by("upper_body__path")
              .values_list("upper_body", flat=True).distinct())
    for upper in list(uppers)[:branches]:
        body = plan.assignments.filter(upper_body=upper).first()
        assert body is not None
        made.append(meeting_create(actor=None, plan=plan, upper_body=body.upper_body,
                                   tier=Tier.MEMBER, held_on=day, members="支部委员会",
                                   raters="支部全体党员", check_scope=False))
    return made


def _account(role: str) -> User | None:
    """The demo account acting for a role (the 工委 administrator, the 县委)."""
    return User.objects.filter(role_assignments__role=role, is_active=True).order_by("pk").first()


def build_demo(*, seed: int) -> None:
    rng = random.Random(f"{seed}:duty_review")
    current = Year.objects.get(is_current=True)
    previous = current.previous
    admin = _account(Role.WORK_COMMITTEE_ADMIN)
    county_user = _account(Role.COUNTY_COMMITTEE)
    if previous is not None and not ReviewPlan.objects.filter(year=previous).exists():
        _previous_year(previous, rng, admin, county_user)
    _current_year(current, rng, admin)


def _previous_year(year: Year, rng: random.Random, admin: Any, county_user: Any) -> None:
    # Last year the members' tier ran in four pilot branches (keeps the demo quick to build).
    pilots = list(Body.objects.filter(kind=BodyKind.BRANCH, valid_to__isnull=True,
                                      members__isnull=False).distinct().order_by("pk")[:4])
    plan = _plan(year, dt.date(year.year, 11, 30), pilots)
    written = list(plan.assignments.filter(tier=Tier.PARTY_ORG).order_by("pk")[:2])
    for a in written:
        assignment_update(actor=None, assignment=a, form=Form.WRITTEN, deadline=a.deadline,
                          check_scope=False)
    plan = plan_publish(actor=None, plan=plan, check_scope=False)
    meetings = _meetings(plan, dt.date(year.year, 12, 20), rng, branches=4)
    # Last year is complete: every report went all the way to 工委's 审定意见.
    for report in DutyReport.objects.filter(assignment__plan=plan).select_related(
            "assignment__reporter").order_by("pk"):
        _walk(report, "approved", rng, admin)
    for meeting in meetings:
        if meeting.form == Form.MEETING:
            _remarks(meeting, rng, "县委书记" if meeting.tier == Tier.LEADERSHIP else "书记")
        _vote(meeting, rng.randint(21, 32), rng)
        _rectify(meeting, rng, county_user if meeting.tier == Tier.LEADERSHIP else admin)
        if meeting.tier == Tier.LEADERSHIP:
            for item in meeting.agenda.select_related("assignment"):
                county_evaluate(actor=None, assignment=item.assignment,
                                grade=rng.choice(GRADE_ORDER[:3]),
                                opinion="履行全面从严治党责任较好，抓党建工作思路清晰。",
                                check_scope=False)


def _current_year(year: Year, rng: random.Random, admin: Any) -> None:
    plan = _plan(year, dt.date(year.year, 12, 15))
    late_day = max(year.starts, dt.date(year.year, 11, 20))
    for a in plan.assignments.filter(tier=Tier.PARTY_ORG).order_by("pk")[:3]:
        assignment_update(actor=None, assignment=a, form=a.form, deadline=late_day,
                          check_scope=False)
    plan = plan_publish(actor=None, plan=plan, check_scope=False)
    stages = ("approved", "work_committee", "leading_group", "prelim", "draft")
    reports = DutyReport.objects.filter(assignment__plan=plan).exclude(
        assignment__tier=Tier.MEMBER).select_related("assignment").order_by("pk")
    for i, report in enumerate(reports):
        if report.assignment.deadline == late_day:
            continue  # late: not yet written
        _walk(report, stages[i % len(stages)], rng, admin)
    members = DutyReport.objects.filter(assignment__plan=plan, assignment__tier=Tier.MEMBER)
    for report in members.order_by("pk")[:6]:
        _walk(report, rng.choice(("draft", "prelim")), rng, admin)
    returned = reports.filter(status="prelim").first()
    if returned is not None:
        report_transition(actor=None, report=returned, action="return", check_scope=False,
                          opinion="对照述职内容要点，第三部分内容过于简单，请补充具体事例")
    lead = plan.assignments.filter(tier=Tier.LEADERSHIP).first()
    if lead is not None:
        meeting_create(actor=None, plan=plan, upper_body=lead.upper_body, tier=Tier.LEADERSHIP,
                       held_on=dt.date(year.year, 12, 28), place="县委常委会议室",
                       members="县委书记、县委副书记、县委组织部部长",
                       raters="县委委员、县直部门主要负责人", check_scope=False)
