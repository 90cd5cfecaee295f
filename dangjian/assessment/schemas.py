"""Request and response schemas of the 党建考核 API. Input field names are the services' own
(`date`, `county_weight`, `grade`, ...), so a service's field error names what the client sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from dangjian.api.schemas import In, example
from dangjian.assessment.filters import MAX_ID, NO_NUL
from dangjian.assessment.models import SubjectKind
from dangjian.core.grades import Grade

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Points = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=2)]
Text = Annotated[str, Field(max_length=20000, pattern=NO_NUL)]
Method = Literal["听取汇报", "民主测评", "个别谈话", "实地察看", "平时掌握"]


def in_example(**values: Any) -> ConfigDict:
    """An input schema's example (shown in /api/docs); unknown fields stay refused."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [values]})


# Examples shared by the schemas that nest them (the OpenAPI document shows each schema's own).
_THRESHOLD = dict(grade="good", label="好", line="90.00")
_INDICATOR = dict(
    id=102, parent_id=101, code="1.1", title="加强对本部门本系统机关党建工作的领导", depth=2,
    is_leaf=True, max_points="5.00", weight="1.00",
    guidance="查阅党组会议纪要、年度党建工作要点；有专题部署的得满分，无部署的不得分。",
    evidence_methods=["听取汇报", "实地察看"],
)
_SET = dict(
    id=21, kind="leading_group", kind_label="党组", title="2026年度党组考核指标",
    status="draft", full_marks="100.00",
    thresholds=[_THRESHOLD, dict(grade="fairly_good", label="较好", line="80.00"),
                dict(grade="average", label="一般", line="60.00")],
    indicators=[_INDICATOR],
)
_SCHEME = dict(
    id=3, title="2026年度机关党建工作考核指标体系", year_id=3, year=2026, county_weight="10.00",
    published=False, can_edit=True, sets=[_SET],
)
_REPLAY_ROW = dict(
    subject_key="body:12", name="县教育局", old_total="88.50", old_grade="fairly_good",
    new_total="91.00", new_grade="good", changed=True,
)
_USER = dict(id=3, username="zhangwei", full_name="张伟")
_TEAM_UNIT = dict(assessment_id=41, unit_id=12, unit_name="县教育局")
_OBSERVATION = dict(
    id=9, year=2026, unit_id=12, unit_name="县教育局", observed_on="2026-06-01",
    content="按时报送党建工作信息，主题党日活动记录完整", recorded_by="陈静",
    created_at="2026-06-01T15:20:00+08:00",
)
_LEADER = dict(person_id=31, name="王建国", kind="secretary", kind_label="党组书记")
_ASSESSMENT = dict(
    id=41, year=2026, unit_id=12, unit_name="县教育局", team_id=1, team_name="第一考核组",
    box_id=7, leaders=[_LEADER, dict(person_id=32, name="刘芳", kind="member",
                                     kind_label="其他党组成员")],
)
_SUBJECT = dict(
    kind="leading_group", kind_label="党组", label="县教育局", person_id=None, total="91.50",
    suggested="good", poll="good", poll_label="好", final="good", final_label="好",
)
_RESULT = dict(
    assessment_id=41, unit_id=12, unit_name="县教育局", dept=_SUBJECT,
    leaders=[dict(kind="secretary", kind_label="党组书记", label="王建国", person_id=31,
                  total="93.00", suggested="good", poll="good", poll_label="好", final=None,
                  final_label="未研判")],
    feedback_status="draft",
)
_HEARING = dict(
    id=5, held_on="2026-11-20", reporter="王建国（党组书记）",
    summary="汇报全年机关党建工作：党组专题研究党建工作4次，中心组学习12次。",
    recorded_by="张伟", created_at="2026-11-20T16:30:00+08:00",
)
_INTERVIEW = dict(
    id=6, held_on="2026-11-21", interviewee="机关党委书记",
    notes="班子重视党建工作，党务干部配备尚显不足。", recorded_by="张伟",
    created_at="2026-11-21T10:15:00+08:00",
)
_SITE_VISIT = dict(
    id=8, assessment_id=41, visited_on="2026-11-21", checked="党员活动室、支部工作台账",
    findings="制度上墙，“三会一课”记录完整。", recorded_by="陈静",
    created_at="2026-11-21T11:40:00+08:00",
)
_ATTACHMENT = dict(
    id=15, name="党员活动室.jpg", mime="image/jpeg", size=482113,
    sm3="66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
    uploaded_at="2026-11-21T11:45:00+08:00",
)
_SCORE_ROW = dict(
    indicator_id=102, code="1.1", title="加强对本部门本系统机关党建工作的领导", depth=2,
    is_leaf=True, max_points="5.00",
    guidance="查阅党组会议纪要、年度党建工作要点；有专题部署的得满分，无部署的不得分。",
    value="4.50", reason="有专题部署，督办落实不够",
)
_JUDGEMENT = dict(
    id=11, assessment_id=41, kind="leading_group", person_id=None, grade="good",
    grade_label="好", reasons="综合得分91.5分，民主测评为好，平时掌握情况良好。",
    suggested="good", total="91.50", decided_by="张伟", decided_at="2026-11-28T09:30:00+08:00",
)
_EXPLAIN_ROW = dict(
    code="1.1", title="加强对本部门本系统机关党建工作的领导", max_points="5.00",
    average="4.50", contribution="4.50", lost="0.50", previous="4.00", change="0.50",
    reasons=["张伟：4.5分，有专题部署，督办落实不够", "陈静：4.5分，对照材料评分"],
)
_FEEDBACK = dict(
    id=4, number="示直工〔2026〕1号", body="现将县教育局2026年度机关党建工作考核情况反馈如下。",
    problems=["理论学习不够深入", "党务干部配备不足"], status="sent", status_label="已反馈",
    sent_at="2026-11-30T10:00:00+08:00", acknowledged_at=None, plan_id=None,
)
_REPORT = dict(
    id=2, scheme_id=3, number="示直工〔2026〕9号",
    title="关于2026年度县直机关党建工作考核情况的报告",
    overview="按照县委部署，县直机关工委对县直部门（单位）2026年度机关党建工作进行了考核。",
    highlights="各部门党组履行主体责任意识明显增强。", problems="个别单位党务干部配备不足。",
    suggestions="把考核结果作为年度考核的重要依据。", status="draft", status_label="拟稿",
    issued_at=None,
    distribution=[dict(grade_label="好", count=18), dict(grade_label="较好", count=9),
                  dict(grade_label="一般", count=2), dict(grade_label="差", count=0)],
)


class YearQuery(Schema):
    year_id: int | None = Field(None, ge=1, le=MAX_ID,
                                description="年度 id（缺省为当前选择的年度）", examples=[3])


# The indicator system ------------------------------------------------------------------------


class ThresholdOut(Schema):
    model_config = example(**_THRESHOLD)

    grade: Grade
    label: str = Field(..., examples=["好"])
    line: Decimal | None = Field(..., description="达到该等次的最低分")


class IndicatorOut(Schema):
    model_config = example(**_INDICATOR)

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
    model_config = example(**_SET)

    id: int
    kind: SubjectKind
    kind_label: str = Field(..., examples=["党组"])
    title: str
    status: str = Field(..., examples=["draft"])
    full_marks: Decimal
    thresholds: list[ThresholdOut]
    indicators: list[IndicatorOut]


class SchemeOut(Schema):
    model_config = example(**_SCHEME)

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

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{}]})


class WeightIn(In):
    model_config = in_example(county_weight=10)

    # Bounds wide of the service's own check (0 < weight <= 100, with its message), so that
    # absurd numbers are refused here rather than overflow the decimal context.
    county_weight: Decimal = Field(..., ge=-1000, le=1000,
                                   description="权重（%），大于 0、不超过 100", examples=[10])


class ThresholdsIn(In):
    model_config = in_example(good=90, fairly_good=80, average=60)

    good: Points = Field(..., description="“好”的最低分", examples=[90])
    fairly_good: Points = Field(..., description="“较好”的最低分", examples=[80])
    average: Points = Field(..., description="“一般”的最低分", examples=[60])


class IndicatorIn(In):
    model_config = in_example(
        code="5", title="带头抓党风廉政建设", max_points=10,
        guidance="查阅党风廉政建设责任清单和履责纪实；有违规问题的不得分。",
        evidence_methods=["个别谈话", "实地察看"],
    )

    code: str = Field(..., pattern=NO_NUL, max_length=20, examples=["5"])
    title: str = Field(..., pattern=NO_NUL, max_length=300, examples=["带头抓党风廉政建设"])
    max_points: Points = Field(..., description="分值", examples=[10])
    guidance: Text = Field("", description="评分说明")
    evidence_methods: list[Method] = Field(default_factory=list, description="考核方式",
                                           examples=[["个别谈话", "实地察看"]])


class IndicatorAddIn(IndicatorIn):
    model_config = in_example(
        parent=101, code="1.4", title="督促落实机关党建工作责任制", max_points=5,
        guidance="查阅督办记录；对机关党组织报告的问题有跟踪问效。",
        evidence_methods=["听取汇报", "个别谈话"],
    )

    parent: Id | None = Field(None, description="上级指标 id（缺省为一级指标）")


class ReplayRowOut(Schema):
    model_config = example(**_REPLAY_ROW)

    subject_key: str
    name: str
    old_total: Decimal
    old_grade: Grade
    new_total: Decimal
    new_grade: Grade
    changed: bool


class ReplayTableOut(Schema):
    model_config = example(kind="leading_group", kind_label="党组", changed=1,
                           rows=[_REPLAY_ROW])

    kind: SubjectKind
    kind_label: str
    changed: int = Field(..., description="等次变化的对象数")
    rows: list[ReplayRowOut]


class ReplayOut(Schema):
    model_config = example(
        scheme_id=3, previous_scheme_id=2,
        tables=[dict(kind="leading_group", kind_label="党组", changed=1, rows=[_REPLAY_ROW])],
    )

    scheme_id: int
    previous_scheme_id: int | None = Field(..., description="上年度指标体系（无则为空）")
    tables: list[ReplayTableOut]


# Teams, observations -------------------------------------------------------------------------


class UserOut(Schema):
    model_config = example(**_USER)

    id: int
    username: str
    full_name: str


class TeamUnitOut(Schema):
    model_config = example(**_TEAM_UNIT)

    assessment_id: int
    unit_id: int
    unit_name: str


class TeamOut(Schema):
    model_config = example(
        id=1, name="第一考核组", leader=_USER,
        members=[_USER, dict(id=4, username="chenjing", full_name="陈静")],
        units=[_TEAM_UNIT, dict(assessment_id=42, unit_id=15, unit_name="县卫生健康局")],
    )

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

    model_config = in_example(name="第一考核组", leader=3, members=[3, 4], units=[12, 15])


class ObservationOut(Schema):
    model_config = example(**_OBSERVATION)

    id: int
    year: int
    unit_id: int
    unit_name: str
    observed_on: dt.date
    content: str
    recorded_by: str
    created_at: dt.datetime


class ObservationIn(In):
    model_config = in_example(unit=12, date="2026-06-01",
                              content="按时报送党建工作信息，主题党日活动记录完整")

    unit: Id = Field(..., description="单位 id")
    date: dt.date | None = Field(None, description="日期（缺省为今天）", examples=["2026-06-01"])
    content: Text = Field(..., examples=["按时报送信息"])


# A department's assessment -------------------------------------------------------------------


class LeaderOut(Schema):
    model_config = example(**_LEADER)

    person_id: int
    name: str
    kind: SubjectKind
    kind_label: str


class AssessmentOut(Schema):
    model_config = example(**_ASSESSMENT)

    id: int
    year: int
    unit_id: int
    unit_name: str = Field(..., examples=["县教育局"])
    team_id: int | None
    team_name: str | None
    box_id: int | None = Field(..., description="民主测评票箱 id（未创建为空）")
    leaders: list[LeaderOut] = Field(..., description="被考核的党组书记和其他党组成员")


class SubjectOut(Schema):
    model_config = example(**_SUBJECT)

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
    model_config = example(**_RESULT)

    assessment_id: int
    unit_id: int
    unit_name: str
    dept: SubjectOut
    leaders: list[SubjectOut]
    feedback_status: str | None = Field(..., description="反馈意见状态（未拟写为空）")


class HearingOut(Schema):
    model_config = example(**_HEARING)

    id: int
    held_on: dt.date
    reporter: str
    summary: str
    recorded_by: str
    created_at: dt.datetime


class HearingIn(In):
    model_config = in_example(
        date="2026-11-20", reporter="王建国（党组书记）",
        summary="汇报全年机关党建工作：党组专题研究党建工作4次，中心组学习12次。",
    )

    date: dt.date | None = Field(None, description="汇报日期（缺省为今天）",
                                 examples=["2026-06-01"])
    reporter: str = Field(..., pattern=NO_NUL, max_length=100, examples=["党组书记"])
    summary: Text = Field(..., examples=["全年党建工作汇报"])


class InterviewOut(Schema):
    model_config = example(**_INTERVIEW)

    id: int
    held_on: dt.date
    interviewee: str
    notes: str
    recorded_by: str
    created_at: dt.datetime


class InterviewIn(In):
    model_config = in_example(date="2026-11-21", interviewee="机关党委书记",
                              notes="班子重视党建工作，党务干部配备尚显不足。")

    date: dt.date | None = Field(None, description="谈话日期（缺省为今天）",
                                 examples=["2026-06-01"])
    interviewee: str = Field(..., pattern=NO_NUL, max_length=100, examples=["机关党委书记"])
    notes: Text = Field(..., examples=["对班子成员的意见"])


class SiteVisitOut(Schema):
    model_config = example(**_SITE_VISIT)

    id: int
    assessment_id: int
    visited_on: dt.date
    checked: str
    findings: str
    recorded_by: str
    created_at: dt.datetime


class SiteVisitIn(In):
    model_config = in_example(date="2026-11-21", checked="党员活动室、支部工作台账",
                              findings="制度上墙，“三会一课”记录完整。")

    date: dt.date | None = Field(None, description="察看日期（缺省为今天）",
                                 examples=["2026-06-01"])
    checked: Text = Field(..., examples=["党员活动室"])
    findings: Text = Field(..., examples=["制度上墙"])


class AttachmentOut(Schema):
    model_config = example(**_ATTACHMENT)

    id: int
    name: str
    mime: str
    size: int
    sm3: str
    uploaded_at: dt.datetime


class SiteVisitDetailOut(SiteVisitOut):
    model_config = example(**_SITE_VISIT, attachments=[_ATTACHMENT], can_edit=True)

    attachments: list[AttachmentOut] = Field(..., description="现场照片等佐证材料")
    can_edit: bool


class AssessmentDetailOut(AssessmentOut):
    model_config = example(
        **_ASSESSMENT, result=_RESULT, hearings=[_HEARING], site_visits=[_SITE_VISIT],
        interview_count=3, observations=[_OBSERVATION], can_conduct=True, can_interviews=True,
    )

    result: AssessmentResultOut | None
    hearings: list[HearingOut]
    site_visits: list[SiteVisitOut]
    interview_count: int = Field(..., description="个别谈话次数（内容另行查阅）")
    observations: list[ObservationOut] = Field(..., description="平时掌握情况")
    can_conduct: bool = Field(..., description="当前用户是否为该单位的考核组成员")
    can_interviews: bool = Field(..., description="可否查阅个别谈话记录")


class ScoreRowOut(Schema):
    model_config = example(**_SCORE_ROW)

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
    model_config = example(
        assessment_id=41, kind="leading_group", kind_label="党组", person_id=None,
        label="县教育局", set_id=21, rows=[_SCORE_ROW],
    )

    assessment_id: int
    kind: SubjectKind
    kind_label: str
    person_id: int | None
    label: str
    set_id: int
    rows: list[ScoreRowOut]


class ScoreEntryIn(In):
    model_config = in_example(indicator=102, value=4.5, reason="有专题部署，督办落实不够")

    indicator: Id = Field(..., description="末级指标 id")
    value: Points | None = Field(..., description="得分（空为不评）", examples=[4.5])
    reason: Text = Field("", description="评分理由", examples=["对照材料评分"])


class ScoresIn(In):
    entries: list[ScoreEntryIn] = Field(..., max_length=500)

    model_config = {"json_schema_extra": {"examples": [
        {"entries": [{"indicator": 7, "value": 4.5, "reason": "对照材料评分"}]}]}}


class ScoresSavedOut(Schema):
    model_config = example(saved=12)

    saved: int = Field(..., description="保存的评分项数")


class JudgementIn(In):
    model_config = in_example(kind="secretary", person=31, grade="good",
                              reasons="综合得分93分，民主测评为好，履行第一责任人职责到位。")

    kind: SubjectKind = Field(..., examples=["leading_group"])
    person: Id | None = Field(None, description="人员 id（对党组研判时不填）")
    grade: Grade = Field(..., examples=["good"])
    reasons: Text = Field(..., examples=["综合得分、民主测评和平时掌握情况"])


class JudgementOut(Schema):
    model_config = example(**_JUDGEMENT)

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
    model_config = example(**_EXPLAIN_ROW)

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
    model_config = example(points="1.00", reason="未按时报送党建工作总结")

    points: Decimal
    reason: str


class ExplainOut(Schema):
    model_config = example(
        label="县教育局", kind="leading_group", kind_label="党组", total="91.50",
        full_marks="100.00", suggested="good", suggested_label="好", rows=[_EXPLAIN_ROW],
        movers=["1.1"], deductions=[dict(points="1.00", reason="未按时报送党建工作总结")],
        poll="good", poll_counts={"good": 18, "fairly_good": 5, "average": 1, "poor": 0},
        judgement=_JUDGEMENT, previous_total="88.00", previous_grade="fairly_good",
        previous_poll="good",
    )

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
    model_config = example(**_FEEDBACK)

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
    model_config = example(assessment_id=41, unit_name="县教育局", year=2026, feedback=_FEEDBACK,
                           can_manage=True, can_receive=False)

    assessment_id: int
    unit_name: str
    year: int
    feedback: FeedbackOut | None = Field(..., description="反馈意见（未拟写为空）")
    can_manage: bool = Field(..., description="可否拟写、发出")
    can_receive: bool = Field(..., description="可否签收（该单位党组）")


class FeedbackIn(In):
    model_config = in_example(
        body="现将县教育局2026年度机关党建工作考核情况反馈如下。",
        problems="理论学习不够深入\n党务干部配备不足", number="示直工〔2026〕1号",
    )

    body: Text = Field(..., examples=["现将考核情况反馈如下。"])
    problems: Text = Field("", description="存在问题（每行一条）",
                           examples=["理论学习不够深入\n党务干部配备不足"])
    number: str = Field("", pattern=NO_NUL, max_length=60, description="文号",
                        examples=["示直工〔2026〕1号"])


class AssessmentGradeCountOut(Schema):
    model_config = example(grade_label="好", count=18)

    grade_label: str = Field(..., examples=["好"])
    count: int


class SpecialReportOut(Schema):
    model_config = example(**_REPORT)

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

    model_config = in_example(number="示直工〔2026〕9号")


class FeedbackZipJobOut(Schema):
    model_config = example(
        id=17, kind="assessment.feedback_zip", label="打包下载2026年度党建考核反馈意见",
        state="queued", state_label="排队中", url="/jobs/17/",
    )

    id: int
    kind: str
    label: str
    state: str = Field(..., examples=["queued"])
    state_label: str = Field(..., examples=["排队中"])
    url: str = Field(..., description="任务页面（查看进度、下载结果）")
