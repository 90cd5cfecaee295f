"""Request and response schemas of the 党建考核 API. Input field names are the services' own
(`date`, `county_weight`, `grade`, ...), so a service's field error names what the client sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from dangjian.api.schemas import In
from dangjian.assessment.filters import MAX_ID, NO_NUL
from dangjian.assessment.models import SubjectKind
from dangjian.core.grades import Grade

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Points = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=2)]
Text = Annotated[str, Field(max_length=20000, pattern=NO_NUL)]
Method = Literal["听取汇报", "民主测评", "个别谈话", "实地察看", "平时掌握"]


class YearQuery(Schema):
    year_id: int | None = Field(None, ge=1, le=MAX_ID,
                                description="年度 id（缺省为当前选择的年度）")


# The indicator system ------------------------------------------------------------------------


class ThresholdOut(Schema):
    grade: Grade
    label: str = Field(..., examples=["好"])
    line: Decimal | None = Field(..., description="达到该等次的最低分")


class IndicatorOut(Schema):
    id: int
    parent_id: int | None
    code: str = Field(..., examples=["1.1"])
    title: str = Field(..., examples=["落实党建工作责任制"])
    depth: int
    is_leaf: bool
    max_points: Decimal = Field(..., description="分值（上级指标为下级之和）")
    weight: Decimal
    guidance: str
    evidence_methods: list[str]


class SetOut(Schema):
    id: int
    kind: SubjectKind
    kind_label: str = Field(..., examples=["党组"])
    title: str
    status: str = Field(..., examples=["draft"])
    full_marks: Decimal
    thresholds: list[ThresholdOut]
    indicators: list[IndicatorOut]


class SchemeOut(Schema):
    id: int
    title: str = Field(..., examples=["2026年度机关党建工作考核指标体系"])
    year_id: int
    year: int = Field(..., examples=[2026])
    county_weight: Decimal = Field(..., description="在年度综合考核中的权重（%）")
    published: bool
    can_edit: bool = Field(..., description="当前用户可否修改、发布")
    sets: list[SetOut]


class SchemeCreateIn(In):
    year_id: Id | None = Field(None, description="年度 id（缺省为当前选择的年度）")

    model_config = {"json_schema_extra": {"examples": [{}]}}


class WeightIn(In):
    # Bounds wide of the service's own check (0 < weight <= 100, with its message), so that
    # absurd numbers are refused here rather than overflow the decimal context.
    county_weight: Decimal = Field(..., ge=-1000, le=1000,
                                   description="权重（%），大于 0、不超过 100", examples=[10])


class ThresholdsIn(In):
    good: Points = Field(..., description="“好”的最低分", examples=[90])
    fairly_good: Points = Field(..., description="“较好”的最低分", examples=[80])
    average: Points = Field(..., description="“一般”的最低分", examples=[60])


class IndicatorIn(In):
    code: str = Field(..., pattern=NO_NUL, max_length=20, examples=["5"])
    title: str = Field(..., pattern=NO_NUL, max_length=300, examples=["带头抓党风廉政建设"])
    max_points: Points = Field(..., description="分值", examples=[10])
    guidance: Text = Field("", description="评分说明")
    evidence_methods: list[Method] = Field(default_factory=list, description="考核方式",
                                           examples=[["个别谈话", "实地察看"]])


class IndicatorAddIn(IndicatorIn):
    parent: Id | None = Field(None, description="上级指标 id（缺省为一级指标）")


class ReplayRowOut(Schema):
    subject_key: str
    name: str
    old_total: Decimal
    old_grade: Grade
    new_total: Decimal
    new_grade: Grade
    changed: bool


class ReplayTableOut(Schema):
    kind: SubjectKind
    kind_label: str
    changed: int = Field(..., description="等次变化的对象数")
    rows: list[ReplayRowOut]


class ReplayOut(Schema):
    scheme_id: int
    previous_scheme_id: int | None = Field(..., description="上年度指标体系（无则为空）")
    tables: list[ReplayTableOut]


# Teams, observations -------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    full_name: str


class TeamUnitOut(Schema):
    assessment_id: int
    unit_id: int
    unit_name: str


class TeamOut(Schema):
    id: int
    name: str = Field(..., examples=["第一考核组"])
    leader: UserOut | None
    members: list[UserOut]
    units: list[TeamUnitOut]


class TeamCreateIn(In):
    name: str = Field(..., pattern=NO_NUL, max_length=100, examples=["第一考核组"])
    leader: Id | None = Field(None, description="组长的用户 id（自动计入成员）")
    members: list[Id] = Field(default_factory=list, max_length=100,
                              description="成员的用户 id（工委工作人员）")
    units: list[Id] = Field(default_factory=list, max_length=500,
                            description="负责考核的单位 id")

    model_config = {"json_schema_extra": {"examples": [
        {"name": "第一考核组", "leader": 3, "members": [3, 4], "units": [12, 15]}]}}


class ObservationOut(Schema):
    id: int
    year: int
    unit_id: int
    unit_name: str
    observed_on: dt.date
    content: str
    recorded_by: str
    created_at: dt.datetime


class ObservationIn(In):
    unit: Id = Field(..., description="单位 id")
    date: dt.date | None = Field(None, description="日期（缺省为今天）", examples=["2026-06-01"])
    content: Text = Field(..., examples=["按时报送信息"])


# A department's assessment -------------------------------------------------------------------


class LeaderOut(Schema):
    person_id: int
    name: str
    kind: SubjectKind
    kind_label: str


class AssessmentOut(Schema):
    id: int
    year: int
    unit_id: int
    unit_name: str = Field(..., examples=["县教育局"])
    team_id: int | None
    team_name: str | None
    box_id: int | None = Field(..., description="民主测评票箱 id（未创建为空）")
    leaders: list[LeaderOut] = Field(..., description="被考核的党组书记和其他党组成员")


class SubjectOut(Schema):
    kind: SubjectKind
    kind_label: str
    label: str = Field(..., description="党组（单位名称）或人员姓名")
    person_id: int | None
    total: Decimal | None = Field(..., description="得分（未评分为空）")
    suggested: Grade | None = Field(..., description="按等次线的建议等次")
    poll: Grade | None = Field(..., description="民主测评结果")
    poll_label: str
    final: Grade | None = Field(..., description="研判确定的等次")
    final_label: str = Field(..., examples=["好", "未研判"])


class AssessmentResultOut(Schema):
    assessment_id: int
    unit_id: int
    unit_name: str
    dept: SubjectOut
    leaders: list[SubjectOut]
    feedback_status: str | None = Field(..., description="反馈意见状态（未拟写为空）")


class HearingOut(Schema):
    id: int
    held_on: dt.date
    reporter: str
    summary: str
    recorded_by: str
    created_at: dt.datetime


class HearingIn(In):
    date: dt.date | None = Field(None, description="汇报日期（缺省为今天）",
                                 examples=["2026-06-01"])
    reporter: str = Field(..., pattern=NO_NUL, max_length=100, examples=["党组书记"])
    summary: Text = Field(..., examples=["全年党建工作汇报"])


class InterviewOut(Schema):
    id: int
    held_on: dt.date
    interviewee: str
    notes: str
    recorded_by: str
    created_at: dt.datetime


class InterviewIn(In):
    date: dt.date | None = Field(None, description="谈话日期（缺省为今天）",
                                 examples=["2026-06-01"])
    interviewee: str = Field(..., pattern=NO_NUL, max_length=100, examples=["机关党委书记"])
    notes: Text = Field(..., examples=["对班子成员的意见"])


class SiteVisitOut(Schema):
    id: int
    assessment_id: int
    visited_on: dt.date
    checked: str
    findings: str
    recorded_by: str
    created_at: dt.datetime


class SiteVisitIn(In):
    date: dt.date | None = Field(None, description="察看日期（缺省为今天）",
                                 examples=["2026-06-01"])
    checked: Text = Field(..., examples=["党员活动室"])
    findings: Text = Field(..., examples=["制度上墙"])


class AttachmentOut(Schema):
    id: int
    name: str
    mime: str
    size: int
    sm3: str
    uploaded_at: dt.datetime


class SiteVisitDetailOut(SiteVisitOut):
    attachments: list[AttachmentOut] = Field(..., description="现场照片等佐证材料")
    can_edit: bool


class AssessmentDetailOut(AssessmentOut):
    result: AssessmentResultOut | None
    hearings: list[HearingOut]
    site_visits: list[SiteVisitOut]
    interview_count: int = Field(..., description="个别谈话次数（内容另行查阅）")
    observations: list[ObservationOut] = Field(..., description="平时掌握情况")
    can_conduct: bool = Field(..., description="当前用户是否为该单位的考核组成员")
    can_interviews: bool = Field(..., description="可否查阅个别谈话记录")


class ScoreRowOut(Schema):
    indicator_id: int
    code: str
    title: str
    depth: int
    is_leaf: bool
    max_points: Decimal
    guidance: str
    value: Decimal | None = Field(..., description="本人已评的分（未评为空）")
    reason: str = Field(..., description="本人已写的评分理由")


class ScoreSheetOut(Schema):
    assessment_id: int
    kind: SubjectKind
    kind_label: str
    person_id: int | None
    label: str
    set_id: int
    rows: list[ScoreRowOut]


class ScoreEntryIn(In):
    indicator: Id = Field(..., description="末级指标 id")
    value: Points | None = Field(..., description="得分（空为不评）", examples=[4.5])
    reason: Text = Field("", description="评分理由", examples=["对照材料评分"])


class ScoresIn(In):
    entries: list[ScoreEntryIn] = Field(..., max_length=500)

    model_config = {"json_schema_extra": {"examples": [
        {"entries": [{"indicator": 7, "value": 4.5, "reason": "对照材料评分"}]}]}}


class ScoresSavedOut(Schema):
    saved: int = Field(..., description="保存的评分项数")


class JudgementIn(In):
    kind: SubjectKind = Field(..., examples=["leading_group"])
    person: Id | None = Field(None, description="人员 id（对党组研判时不填）")
    grade: Grade = Field(..., examples=["good"])
    reasons: Text = Field(..., examples=["综合得分、民主测评和平时掌握情况"])


class JudgementOut(Schema):
    id: int
    assessment_id: int
    kind: SubjectKind
    person_id: int | None
    grade: Grade
    grade_label: str
    reasons: str
    suggested: str = Field(..., description="研判时的建议等次")
    total: Decimal | None = Field(..., description="研判时的得分")
    decided_by: str
    decided_at: dt.datetime


class ExplainRowOut(Schema):
    code: str
    title: str
    max_points: Decimal
    average: Decimal | None = Field(..., description="评分人平均分")
    contribution: Decimal = Field(..., description="计入总分的分数")
    lost: Decimal = Field(..., description="失分")
    previous: Decimal | None = Field(..., description="上年度同一指标的得分")
    change: Decimal | None
    reasons: list[str] = Field(..., description="评分人及其理由")


class DeductionOut(Schema):
    points: Decimal
    reason: str


class ExplainOut(Schema):
    label: str
    kind: SubjectKind
    kind_label: str
    total: Decimal
    full_marks: Decimal
    suggested: Grade
    suggested_label: str
    rows: list[ExplainRowOut]
    movers: list[str] = Field(..., description="失分最多的指标编号")
    deductions: list[DeductionOut]
    poll: Grade | None
    poll_counts: dict[str, int] = Field(..., description="民主测评各等次票数")
    judgement: JudgementOut | None
    previous_total: Decimal | None
    previous_grade: Grade | None
    previous_poll: Grade | None


# Feedback, the report, jobs ------------------------------------------------------------------


class FeedbackOut(Schema):
    id: int
    number: str = Field(..., examples=["示直工〔2026〕1号"])
    body: str
    problems: list[str] = Field(..., description="存在问题，每条一项")
    status: str = Field(..., examples=["sent"])
    status_label: str = Field(..., examples=["已反馈"])
    sent_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    plan_id: int | None = Field(..., description="问题转成的整改方案 id")


class FeedbackPageOut(Schema):
    assessment_id: int
    unit_name: str
    year: int
    feedback: FeedbackOut | None = Field(..., description="反馈意见（未拟写为空）")
    can_manage: bool = Field(..., description="可否拟写、发出")
    can_receive: bool = Field(..., description="可否签收（该单位党组）")


class FeedbackIn(In):
    body: Text = Field(..., examples=["现将考核情况反馈如下。"])
    problems: Text = Field("", description="存在问题（每行一条）",
                           examples=["理论学习不够深入\n党务干部配备不足"])
    number: str = Field("", pattern=NO_NUL, max_length=60, description="文号",
                        examples=["示直工〔2026〕1号"])


class AssessmentGradeCountOut(Schema):
    grade_label: str = Field(..., examples=["好"])
    count: int


class SpecialReportOut(Schema):
    id: int
    scheme_id: int
    number: str
    title: str
    overview: str
    highlights: str
    problems: str
    suggestions: str
    status: str = Field(..., examples=["draft"])
    status_label: str
    issued_at: dt.datetime | None
    distribution: list[AssessmentGradeCountOut] = Field(..., description="各等次单位数")


class ReportIn(In):
    """Only the fields sent are changed."""

    number: str | None = Field(None, pattern=NO_NUL, max_length=60,
                               examples=["示直工〔2026〕9号"])
    title: str | None = Field(None, pattern=NO_NUL, max_length=200)
    overview: Text | None = None
    highlights: Text | None = None
    problems: Text | None = None
    suggestions: Text | None = None

    model_config = {"json_schema_extra": {"examples": [{"number": "示直工〔2026〕9号"}]}}


class FeedbackZipJobOut(Schema):
    id: int
    kind: str
    label: str
    state: str = Field(..., examples=["queued"])
    state_label: str = Field(..., examples=["排队中"])
    url: str = Field(..., description="任务页面（查看进度、下载结果）")
