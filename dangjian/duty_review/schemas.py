"""述职评议's list filters (one per list, shared by the page and the API) and the API's request
and response schemas. Input field names are the services' own, so a service's field error
(`{"opinion": "..."}`) names the field the client sent."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from dangjian.api.schemas import In
from dangjian.ballots import rules
from dangjian.ballots.models import BoxStatus
from dangjian.core.filters import ListFilter
from dangjian.core.grades import Grade
from dangjian.duty_review.models import (
    Assignment,
    CountyEvaluation,
    DutyReport,
    Form,
    Meeting,
    PlanStatus,
    Remark,
    RemarkFinding,
    RemarkKind,
    ReportStatus,
    ReportStep,
    ReportVersion,
    ReviewPlan,
)
from dangjian.duty_review.points import Tier
from dangjian.duty_review.workflow import ACTION_LABELS

RuleKind = Literal["threshold", "plurality", "score"]
# An id the database can compare (a list of them goes into one IN clause).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# The rules a plan may take, by the key the page's form and the API send.
RULE_CHOICES: dict[str, dict[str, Any]] = {
    "threshold": dict(rules.DEFAULT_RULE),
    "plurality": {"kind": "plurality"},
    "score": {"kind": "score", "good": 90, "fairly_good": 80, "average": 60},
}


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="forbid", json_schema_extra={"examples": list(examples)})


def _out_example(example: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [example]})


# Filters -------------------------------------------------------------------------------------


class AssignmentFilter(ListFilter):
    """The plan page's list of reporters (and the API's)."""

    tier: Tier | None = Field(None, description="述职层级", examples=["member"])
    q: str = Field("", max_length=50, description="按述职人姓名、所在组织查找",
                   examples=["教育局"])


class DutyYearQuery(ListFilter):
    year_id: int | None = Field(None, ge=1, le=2**31 - 1, examples=[3],
                                description="年度 id（默认当前选择的年度）")


# Plans ---------------------------------------------------------------------------------------


_PLAN_EXAMPLE: dict[str, Any] = {
        "id": 1, "year_id": 3, "year": 2026, "title": "2026年度机关党组织和党员述职评议工作方案",
        "owner_body_id": 2, "owner_body_name": "中共示范县直属机关工作委员会",
        "status": "published", "status_label": "已印发", "report_deadline": "2026-11-30",
        "meetings_from": "2026-12-10", "meetings_to": "2026-12-25",
        "rule": {"kind": "threshold", "good": 0.6}, "rule_kind": "threshold",
        "rule_text": "“好”票占比≥60%为好", "notes": "",
        "published_at": "2026-10-08T09:30:00+08:00"}


class DutyPlanOut(Schema):
    model_config = _out_example(_PLAN_EXAMPLE)
    id: int
    year_id: int
    year: int = Field(..., description="年度（公历年）")
    title: str
    owner_body_id: int
    owner_body_name: str
    status: PlanStatus
    status_label: str
    report_deadline: dt.date
    meetings_from: dt.date | None
    meetings_to: dt.date | None
    rule: dict[str, Any] = Field(..., description="评定规则")
    rule_kind: str = Field(..., description="threshold、plurality 或 score")
    rule_text: str = Field(..., description="评定规则的文字说明")
    notes: str
    published_at: dt.datetime | None

    @staticmethod
    def resolve_year(obj: ReviewPlan) -> int:
        return obj.year.year

    @staticmethod
    def resolve_owner_body_name(obj: ReviewPlan) -> str:
        return obj.owner_body.name

    @staticmethod
    def resolve_status_label(obj: ReviewPlan) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_rule_kind(obj: ReviewPlan) -> str:
        return str((obj.rule or {}).get("kind", "threshold"))

    @staticmethod
    def resolve_rule_text(obj: ReviewPlan) -> str:
        return rules.describe(obj.rule)


class PlanCurrentOut(Schema):
    model_config = _out_example({"year_id": 3, "year": 2026, "plan": None, "can_plan": True})
    year_id: int
    year: int
    plan: DutyPlanOut | None = Field(..., description="该年度的工作方案；尚未制定时为 null")
    can_plan: bool = Field(..., description="能否制定工作方案")


class TierSummaryOut(Schema):
    tier: Tier
    tier_label: str
    counts: dict[str, int] = Field(..., description="各状态的报告数（键为报告状态）")
    total: int


class LateReportOut(Schema):
    report_id: int
    reporter_name: str
    reporter_body_name: str
    deadline: dt.date
    status: ReportStatus


_MEETING_EXAMPLE: dict[str, Any] = {
        "id": 5, "plan_id": 1, "year": 2026, "tier": "member",
        "tier_label": "机关党员向所属党支部述职", "form": "meeting", "form_label": "会议述职",
        "title": "2026年度县教育局第1党支部党员述职评议会", "upper_body_id": 7,
        "upper_body_name": "县教育局第1党支部", "held_on": "2026-12-18", "place": "三楼会议室",
        "members": "支部委员会全体委员", "raters": "支部全体党员", "box_id": 9,
        "box_status": "closed", "box_status_label": "已结束", "closed": True, "agenda_count": 3,
        "rectification_at": None}


class PlanDetailOut(DutyPlanOut):
    model_config = _out_example({
        **_PLAN_EXAMPLE,
        "summary": [{"tier": "member", "tier_label": "机关党员向所属党支部述职",
                     "counts": {"draft": 12, "prelim": 5, "approved": 40}, "total": 57},
                    {"tier": "party_org", "tier_label": "党组织书记向县直机关工委述职",
                     "counts": {"work_committee": 3, "approved": 15}, "total": 18}],
        "late": [{"report_id": 52, "reporter_name": "李四",
                  "reporter_body_name": "县财政局党支部", "deadline": "2026-11-30",
                  "status": "draft"}],
        "meetings": [_MEETING_EXAMPLE], "can_plan": True, "can_meet": True})
    summary: list[TierSummaryOut] = Field(..., description="各层级报告进度（您范围内的）")
    late: list[LateReportOut] = Field(..., description="逾期未报送的报告（至多200条）")
    meetings: list[MeetingOut] = Field(..., description="评议会安排")
    can_plan: bool = Field(..., description="能否修改、印发方案")
    can_meet: bool = Field(..., description="能否安排评议会")


class PlanCreateIn(In):
    model_config = _examples({"report_deadline": "2026-11-30"})

    year_id: int | None = Field(None, ge=1, le=2**31 - 1,
                                description="年度 id（默认当前选择的年度）")
    report_deadline: dt.date | None = Field(None, description="报告截止日期（默认11月30日）")
    title: str = Field("", max_length=200, description="方案名称（默认按年度生成）")
    notes: str = Field("", max_length=20000, description="工作要求")


class PlanEditIn(In):
    """Only the fields sent are changed."""

    model_config = _examples({"report_deadline": "2026-12-10", "rule": "plurality",
                              "meetings_from": "2026-12-15", "meetings_to": "2026-12-25"})

    title: str | None = Field(None, max_length=200)
    report_deadline: dt.date | None = None
    meetings_from: dt.date | None = Field(None, description="评议会开始日期；null 清除")
    meetings_to: dt.date | None = Field(None, description="评议会结束日期；null 清除")
    rule: RuleKind | None = Field(None, description="评定规则：threshold（按“好”票占比）、"
                                                    "plurality（得票最多）、score（按分数）")
    notes: str | None = Field(None, max_length=20000)


class GenerateOut(Schema):
    model_config = _out_example({"created": 57, "plan": _PLAN_EXAMPLE})

    created: int = Field(..., description="新生成的述职对象数")
    plan: DutyPlanOut


# Assignments ---------------------------------------------------------------------------------


def _report_of(a: Assignment) -> DutyReport | None:
    try:
        return a.report
    except DutyReport.DoesNotExist:
        return None


class AssignmentOut(Schema):
    model_config = _out_example({
        "id": 31, "plan_id": 1, "tier": "member", "tier_label": "机关党员向所属党支部述职",
        "reporter_id": 12, "reporter_name": "张三", "reporter_body_id": 7,
        "reporter_body_name": "县教育局第1党支部", "upper_body_id": 7,
        "upper_body_name": "县教育局第1党支部", "form": "meeting", "form_label": "会议述职",
        "deadline": "2026-11-30", "active": True, "report_id": 40, "report_status": "draft",
        "report_status_label": "撰写中"})
    id: int
    plan_id: int
    tier: Tier
    tier_label: str
    reporter_id: int
    reporter_name: str
    reporter_body_id: int
    reporter_body_name: str
    upper_body_id: int
    upper_body_name: str = Field(..., description="听取述职的上级组织")
    form: Form
    form_label: str
    deadline: dt.date
    active: bool
    report_id: int | None
    report_status: ReportStatus | None
    report_status_label: str | None

    @staticmethod
    def resolve_tier_label(obj: Assignment) -> str:
        return obj.get_tier_display()

    @staticmethod
    def resolve_reporter_name(obj: Assignment) -> str:
        return obj.reporter.name

    @staticmethod
    def resolve_reporter_body_name(obj: Assignment) -> str:
        return obj.reporter_body.name

    @staticmethod
    def resolve_upper_body_name(obj: Assignment) -> str:
        return obj.upper_body.name

    @staticmethod
    def resolve_form_label(obj: Assignment) -> str:
        return obj.get_form_display()

    @staticmethod
    def resolve_report_id(obj: Assignment) -> int | None:
        report = _report_of(obj)
        return report.pk if report else None

    @staticmethod
    def resolve_report_status(obj: Assignment) -> str | None:
        report = _report_of(obj)
        return report.status if report else None

    @staticmethod
    def resolve_report_status_label(obj: Assignment) -> str | None:
        report = _report_of(obj)
        return report.get_status_display() if report else None


class AssignmentAddIn(In):
    model_config = _examples({"tier": "member", "reporter": 12, "reporter_body": 7,
                              "form": "meeting"})

    tier: Tier = Field(..., description="述职层级")
    reporter: int = Field(..., description="述职人（人员 id）")
    reporter_body: int = Field(..., description="述职人所在组织 id")
    form: Form = Field(Form.MEETING, description="述职形式")


class AssignmentEditIn(In):
    """Only the fields sent are changed."""

    model_config = _examples({"form": "written", "deadline": "2026-12-05"})

    form: Form | None = Field(None, description="述职形式")
    deadline: dt.date | None = Field(None, description="报告截止日期")


class AssignmentRemoveIn(In):
    model_config = _examples({"reason": "已调离本单位"})

    reason: str = Field(..., max_length=500, description="移出原因")


class EvaluationOut(Schema):
    model_config = _out_example({"grade": "good", "grade_label": "好",
                                 "opinion": "履职尽责，成效明显",
                                 "at": "2026-12-28T16:00:00+08:00"})
    grade: Grade
    grade_label: str
    opinion: str
    at: dt.datetime

    @staticmethod
    def resolve_grade_label(obj: CountyEvaluation) -> str:
        return obj.get_grade_display()


class CountyEvaluateIn(In):
    model_config = _examples({"grade": "good", "opinion": "履职尽责，成效明显"})

    grade: Grade = Field(..., description="综合考评等次")
    opinion: str = Field(..., max_length=5000, description="考评意见")


# Reports -------------------------------------------------------------------------------------


_REPORT_EXAMPLE: dict[str, Any] = {
        "id": 40, "assignment_id": 31, "year": 2026, "tier": "member",
        "tier_label": "机关党员向所属党支部述职", "reporter_id": 12, "reporter_name": "张三",
        "reporter_body_name": "县教育局第1党支部", "upper_body_name": "县教育局第1党支部",
        "status": "prelim", "status_label": "待基层党组织集体初审", "deadline": "2026-11-30",
        "late": False, "submitted_at": "2026-11-20T15:02:00+08:00", "approved_at": None}


class ReportOut(Schema):
    model_config = _out_example(_REPORT_EXAMPLE)
    id: int
    assignment_id: int
    year: int
    tier: Tier
    tier_label: str
    reporter_id: int
    reporter_name: str
    reporter_body_name: str
    upper_body_name: str
    status: ReportStatus
    status_label: str
    deadline: dt.date
    late: bool = Field(..., description="逾期未报送")
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None

    @staticmethod
    def resolve_year(obj: DutyReport) -> int:
        return obj.assignment.plan.year.year

    @staticmethod
    def resolve_tier(obj: DutyReport) -> str:
        return obj.assignment.tier

    @staticmethod
    def resolve_tier_label(obj: DutyReport) -> str:
        return obj.assignment.get_tier_display()

    @staticmethod
    def resolve_reporter_id(obj: DutyReport) -> int:
        return obj.assignment.reporter_id

    @staticmethod
    def resolve_reporter_name(obj: DutyReport) -> str:
        return obj.assignment.reporter.name

    @staticmethod
    def resolve_reporter_body_name(obj: DutyReport) -> str:
        return obj.assignment.reporter_body.name

    @staticmethod
    def resolve_upper_body_name(obj: DutyReport) -> str:
        return obj.assignment.upper_body.name

    @staticmethod
    def resolve_status_label(obj: DutyReport) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_deadline(obj: DutyReport) -> dt.date:
        return obj.assignment.deadline

    @staticmethod
    def resolve_late(obj: DutyReport) -> bool:
        return obj.is_late(timezone.localdate())


class QueueItemOut(ReportOut):
    model_config = _out_example({**_REPORT_EXAMPLE, "stage_label": "基层党组织集体初审",
                                 "stage_body_id": 7, "stage_body_name": "县教育局第1党支部"})
    stage_label: str = Field(..., description="当前审核环节")
    stage_body_id: int
    stage_body_name: str = Field(..., description="办理本环节的组织")


class SectionOut(Schema):
    key: str
    title: str
    hint: str
    text: str = Field(..., description="最新版本中的内容")


class CarriedOut(Schema):
    problem: str
    measures: str
    deadline: dt.date
    status: str
    status_label: str
    verification: str


class VersionOut(Schema):
    number: int
    sections: dict[str, str]
    author_name: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author_name(obj: ReportVersion) -> str:
        author = obj.author
        return (author.get_full_name() or author.get_username()) if author else ""


class StepOut(Schema):
    action: str
    action_label: str
    status_from: ReportStatus
    status_to: ReportStatus
    opinion: str
    version: int
    actor_name: str
    body_name: str = Field(..., description="审核组织")
    at: dt.datetime

    @staticmethod
    def resolve_action_label(obj: ReportStep) -> str:
        return ACTION_LABELS.get(obj.action, obj.action)


class ReportDetailOut(ReportOut):
    model_config = _out_example({
        **_REPORT_EXAMPLE, "approval_opinion": "",
        "sections": [{"key": "p1", "title": "一、个人学习宣传贯彻习近平新时代中国特色社会主义思想"
                                             "……情况", "hint": "", "text": "认真学习……"},
                     {"key": "problems", "title": "六、存在的问题及下一步打算",
                      "hint": "每行写一个问题；评议会后将据此制定整改方案",
                      "text": "学习不够深入\n联系群众不够"}],
        "carried": [{"problem": "“三会一课”记录不规范", "measures": "统一记录本，按月检查",
                     "deadline": "2026-06-30", "status": "closed", "status_label": "已销号",
                     "verification": "经支部委员会核查，已整改到位"}],
        "versions": [{"number": 2, "sections": {"p1": "认真学习……",
                                                "problems": "学习不够深入\n联系群众不够"},
                      "author_name": "张三", "created_at": "2026-11-20T15:00:00+08:00"}],
        "steps": [{"action": "submit", "action_label": "报送", "status_from": "draft",
                   "status_to": "prelim", "opinion": "", "version": 2, "actor_name": "张三",
                   "body_name": "县教育局第1党支部", "at": "2026-11-20T15:02:00+08:00"}],
        "can_edit": False, "can_review": True, "stage_label": "基层党组织集体初审",
        "stage_body_id": 7, "stage_body_name": "县教育局第1党支部"})
    approval_opinion: str = Field(..., description="工委审定意见")
    sections: list[SectionOut] = Field(..., description="各部分及最新内容")
    carried: list[CarriedOut] = Field(..., description="上年度整改事项（须专题汇报）")
    versions: list[VersionOut] = Field(..., description="历次保存的版本（新的在前）")
    steps: list[StepOut] = Field(..., description="流转记录及意见")
    can_edit: bool = Field(..., description="您能否撰写、报送")
    can_review: bool = Field(..., description="当前环节是否由您审核")
    stage_label: str = Field(..., description="当前审核环节（不在审核中为空）")
    stage_body_id: int | None
    stage_body_name: str | None


class ReportSaveIn(In):
    model_config = _examples({"sections": {"p1": "认真学习……", "problems": "学习不够深入\n"
                                            "联系群众不够"}, "submit": False})

    sections: dict[str, str] = Field(..., description="各部分内容，键为报告详情 sections 的 key")
    submit: bool = Field(False, description="保存后随即报送")


class OpinionIn(In):
    model_config = _examples({"opinion": "同意"})

    opinion: str = Field("", max_length=5000,
                         description="意见（退回时和工委审定时必填）")


# Meetings ------------------------------------------------------------------------------------


class MeetingOut(Schema):
    model_config = _out_example(_MEETING_EXAMPLE)
    id: int
    plan_id: int
    year: int
    tier: Tier
    tier_label: str
    form: Form
    form_label: str
    title: str
    upper_body_id: int
    upper_body_name: str = Field(..., description="主持组织")
    held_on: dt.date
    place: str
    members: str
    raters: str
    box_id: int | None = Field(..., description="测评票箱 id")
    box_status: BoxStatus | None
    box_status_label: str | None
    closed: bool = Field(..., description="测评已结束")
    agenda_count: int = Field(..., description="述职人数")
    rectification_at: dt.datetime | None = Field(..., description="生成整改方案的时间")

    @staticmethod
    def resolve_year(obj: Meeting) -> int:
        return obj.plan.year.year

    @staticmethod
    def resolve_tier_label(obj: Meeting) -> str:
        return obj.get_tier_display()

    @staticmethod
    def resolve_form_label(obj: Meeting) -> str:
        return obj.get_form_display()

    @staticmethod
    def resolve_upper_body_name(obj: Meeting) -> str:
        return obj.upper_body.name

    @staticmethod
    def resolve_box_status(obj: Meeting) -> str | None:
        return obj.box.status if obj.box else None

    @staticmethod
    def resolve_box_status_label(obj: Meeting) -> str | None:
        return BoxStatus(obj.box.status).label if obj.box else None

    @staticmethod
    def resolve_closed(obj: Meeting) -> bool:
        return obj.box is not None and obj.box.status == BoxStatus.CLOSED

    @staticmethod
    def resolve_agenda_count(obj: Meeting) -> int:
        n = getattr(obj, "n", None)
        return n if n is not None else obj.agenda.count()


_REMARK_EXAMPLE: dict[str, Any] = {
        "id": 2, "meeting_id": 5, "assignment_id": 31, "reporter_name": "张三",
        "kind": "question", "kind_label": "现场询问", "finding": "question", "speaker": "县委书记",
        "text": "如何抓好支部标准化建设？", "answer": "逐项对标，年底前完成",
        "at": "2026-12-18T10:15:00+08:00"}


class RemarkOut(Schema):
    model_config = _out_example(_REMARK_EXAMPLE)
    id: int
    meeting_id: int
    assignment_id: int
    reporter_name: str
    kind: RemarkKind
    kind_label: str
    finding: str = Field(..., description="性质：problem 指出问题（列入整改）、praise 肯定成绩、"
                                          "question 一般询问；早先的记录为空")
    speaker: str
    text: str
    answer: str
    at: dt.datetime

    @staticmethod
    def resolve_reporter_name(obj: Remark) -> str:
        return obj.assignment.reporter.name

    @staticmethod
    def resolve_kind_label(obj: Remark) -> str:
        return obj.get_kind_display()


class BallotAuditOut(Schema):
    issued: int = Field(..., description="发放票码")
    void: int = Field(..., description="作废票码")
    used: int = Field(..., description="已使用票码")
    ballots: int = Field(..., description="收回测评票")
    counted: int = Field(..., description="有效测评票")
    consistent: bool = Field(..., description="票码与测评票核对一致")


class AgendaRowOut(Schema):
    assignment_id: int
    reporter_id: int
    reporter_name: str
    reporter_body_name: str
    report_id: int | None
    report_status: ReportStatus | None
    remarks: list[RemarkOut]


class MeetingDetailOut(MeetingOut):
    model_config = _out_example({
        **_MEETING_EXAMPLE, "rule_text": "“好”票占比≥60%为好",
        "audit": {"issued": 40, "void": 2, "used": 36, "ballots": 36, "counted": 35,
                  "consistent": True},
        "is_chair": True,
        "agenda": [{"assignment_id": 31, "reporter_id": 12, "reporter_name": "张三",
                    "reporter_body_name": "县教育局第1党支部", "report_id": 40,
                    "report_status": "approved", "remarks": [_REMARK_EXAMPLE]}]})
    rule_text: str
    audit: BallotAuditOut | None
    is_chair: bool = Field(..., description="您能否主持（记录点评、生成整改方案）")
    agenda: list[AgendaRowOut]


class MeetingCreateIn(In):
    model_config = _examples({"upper_body": 7, "tier": "member", "form": "meeting",
                              "held_on": "2026-12-18", "place": "三楼会议室",
                              "members": "支部委员会全体委员", "raters": "支部全体党员"})

    upper_body: int = Field(..., description="主持述职评议的组织 id")
    tier: Tier = Field(..., description="述职层级")
    form: Form = Field(Form.MEETING, description="形式")
    held_on: dt.date = Field(..., description="日期")
    title: str = Field("", max_length=200, description="名称（默认按年度和组织生成）")
    place: str = Field("", max_length=100)
    members: str = Field("", max_length=5000, description="出席的上级党组织成员")
    raters: str = Field("", max_length=5000, description="评议人员")
    assignments: list[Id] | None = Field(
        None, max_length=1000,
        description="只安排这些述职对象（默认该组织、层级和形式的全部待安排者）")


class RemarkAddIn(In):
    model_config = _examples({"assignment": 31, "kind": "question", "speaker": "县委书记",
                              "text": "如何抓好支部标准化建设？", "answer": "逐项对标，年底前完成",
                              "finding": "question"})

    assignment: int = Field(..., description="述职对象 id（须在本次议程中）")
    kind: RemarkKind = Field(..., description="点评或现场询问")
    finding: RemarkFinding = Field(..., description="性质：problem 指出问题（列入整改）、"
                                                    "praise 肯定成绩、question 一般询问")
    speaker: str = Field(..., max_length=60, description="点评（询问）人")
    text: str = Field(..., max_length=5000, description="内容")
    answer: str = Field("", max_length=5000, description="述职人回答（现场询问必填）")


class ResultRowOut(Schema):
    assignment_id: int
    reporter_name: str
    reporter_body_name: str
    counts: dict[str, int] | None = Field(..., description="各档票数（测评结束后）")
    shares: dict[str, float] | None = Field(..., description="各档占比（测评结束后）")
    total: int = Field(..., description="有效票")
    overall: Grade | None = Field(..., description="综合评价")
    overall_label: str
    remarks: list[RemarkOut]
    evaluation: EvaluationOut | None = Field(..., description="县委综合考评（第三层级）")
    rectification_plan_id: int | None = Field(..., description="已生成的整改方案 id")


class ResultsOut(Schema):
    model_config = _out_example({
        "meeting": _MEETING_EXAMPLE, "closed": True, "rule_text": "“好”票占比≥60%为好",
        "audit": {"issued": 40, "void": 2, "used": 36, "ballots": 36, "counted": 35,
                  "consistent": True},
        "is_chair": True, "can_evaluate": False,
        "rows": [{"assignment_id": 31, "reporter_name": "张三",
                  "reporter_body_name": "县教育局第1党支部",
                  "counts": {"good": 28, "fairly_good": 5, "average": 2, "poor": 0},
                  "shares": {"good": 0.8, "fairly_good": 0.1429, "average": 0.0571,
                             "poor": 0.0},
                  "total": 35, "overall": "good", "overall_label": "好",
                  "remarks": [_REMARK_EXAMPLE], "evaluation": None,
                  "rectification_plan_id": None}],
    })

    meeting: MeetingOut
    closed: bool
    rule_text: str
    audit: BallotAuditOut | None
    is_chair: bool
    can_evaluate: bool
    rows: list[ResultRowOut]


class RectifyIn(In):
    model_config = _examples({"deadline": "2027-06-30"})

    deadline: dt.date | None = Field(None, description="整改时限（默认年度末）")
    picks: list[str] | None = Field(
        None, max_length=500,
        description="确认列入整改的事项键（remark:<id> 标为“指出问题”的意见，"
                    "report:<述职对象id>:<序号> 述职报告所列问题）；不填为全部候选事项。"
                    "没有事项的述职人不生成整改方案")


class RectificationPlanOut(Schema):
    id: int
    title: str
    owner_body_name: str
    owner_person_name: str | None
    items: int = Field(..., description="整改事项数")


class RectifyOut(Schema):
    model_config = _out_example({
        "meeting": {**_MEETING_EXAMPLE, "rectification_at": "2026-12-20T09:00:00+08:00"},
        "plans": [{"id": 14, "title": "张三2026年度述职评议问题整改方案",
                   "owner_body_name": "县教育局第1党支部", "owner_person_name": "张三",
                   "items": 2}],
    })

    meeting: MeetingOut
    plans: list[RectificationPlanOut]

PlanDetailOut.model_rebuild()
