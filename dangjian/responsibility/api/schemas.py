"""Request and response schemas of the 两个责任 API. Input field names are the services' own,
so a service's field error ({"deadline": "..."}) names the field the client sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import Base64Bytes, ConfigDict, field_validator

from dangjian.api.schemas import In, example
from dangjian.core.grades import Grade
from dangjian.evidence.services import evidence_for
from dangjian.org.models import Body
from dangjian.org.scope import Perm, is_county_wide
from dangjian.responsibility.models import (
    EDITABLE,
    RECORDABLE,
    ListKind,
    ListStatus,
    NoteKind,
    ResponsibilityList,
    Stage,
    TargetResult,
    reachable_stages,
)
from dangjian.responsibility.selectors import annotated, item_state, lists_with_rates, rate
from dangjian.responsibility.services.common import (
    REVIEWER_LABEL,
    can_edit,
    can_record,
    can_review,
    covers,
    grace_days,
    lists_window,
)
from dangjian.responsibility.services.records import SUBJECT_TYPE, record_content
from dangjian.responsibility.services.spotcheck import spotcheck_reproduce
from dangjian.trail.models import TrailEntry

# Inputs --------------------------------------------------------------------------------------


class RespIn(In):
    """Text with a NUL character cannot be stored (PostgreSQL refuses it): a 422, not a 500."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in texts):
            raise ValueError("不能包含空字符")
        return value


def _in_example(**values: Any) -> ConfigDict:
    """An input schema's example for the OpenAPI document; unknown fields are still refused."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [values]})


# A 纪实 chain's head digest (SM3), as in the examples of checkpoints.
_DIGEST = "bdfd4f81659181281fdd5bdb2eb4591541ebf322a1b30335fa0b692f6c686626"
_PREV_DIGEST = "d5b9784517cd8bc18658c91b5cf2d66513260e7199dc340f9d3cb9976fdad29e"
_DIGEST_11 = "e50c4c0b6a3f6a309aa8d22fe45517d803a457f7410a20eaee6f52764a9ae9b9"


def _year() -> Any:
    return Field(None, ge=1949, le=2100, description="年度（默认当前选择的年度）",
                 examples=[2026])


class YearIn(RespIn):
    model_config = _in_example(year=2026)

    year: int | None = _year()


class WindowIn(RespIn):
    model_config = _in_example(year=2026, opens="2026-01-01", closes="2026-02-28")

    year: int | None = _year()
    opens: dt.date = Field(..., description="开始报送日期", examples=["2026-01-01"])
    closes: dt.date = Field(..., description="截止日期（当日 23:59:59 截止）",
                            examples=["2026-02-28"])


class ItemIn(RespIn):
    model_config = _in_example(
        content="党建品牌创建", targets="形成1个机关党建品牌", measures="每季度推进一次",
        deadline="2026-12-31", responsible=31,
    )

    content: str = Field(..., description="责任内容", examples=["党建品牌创建"])
    targets: str = Field(..., description="目标要求", examples=["形成1个机关党建品牌"])
    measures: str = Field(..., description="工作措施", examples=["每季度推进一次"])
    deadline: dt.date = Field(..., description="完成时限（本年度内）", examples=["2026-12-31"])
    responsible: int | None = Field(None, description="责任人 id（本单位在职人员）",
                                    examples=[12])


class ListOpinionIn(RespIn):
    model_config = _in_example(opinion="措施需量化")

    opinion: str = Field("", description="审核意见（退回时必填）", examples=["措施需量化"])


class FileIn(RespIn):
    model_config = _in_example(name="会议照片.png", data="iVBORw0KGgo=")

    name: str = Field(..., max_length=200, description="文件名", examples=["会议照片.png"])
    data: Base64Bytes = Field(..., description="文件内容（Base64）",
                              examples=["iVBORw0KGgo="])


class RecordIn(RespIn):
    model_config = _in_example(
        summary="召开党委会专题学习", occurred_on="2026-03-15", progress=50,
        files=[{"name": "会议照片.png", "data": "iVBORw0KGgo="}],
    )

    summary: str = Field(..., description="履责情况", examples=["召开党委会专题学习"])
    occurred_on: dt.date = Field(..., description="履责日期（不晚于今天，本年度内）",
                                 examples=["2026-03-15"])
    progress: int = Field(..., description="完成进度（0–100）", examples=[50])
    corrects: int | None = Field(None, description="更正的记录 id（同一事项下、尚未被更正的）")
    files: list[FileIn] = Field([], max_length=10, description="佐证材料（图片、PDF、Office 文档）")


class NoteIn(RespIn):
    model_config = _in_example(
        year=2026, kind="routine", content="检查台账，纪实及时", noted_on="2026-05-10",
    )

    year: int | None = _year()
    kind: NoteKind = Field(NoteKind.ROUTINE, description="督查方式")
    content: str = Field(..., description="督查情况", examples=["检查台账，纪实及时"])
    noted_on: dt.date = Field(..., description="督查日期（不晚于今天）", examples=["2026-05-10"])


class EvaluationIn(RespIn):
    model_config = _in_example(year=2026, grade="good", opinion="履责到位，台账规范")

    year: int | None = _year()
    grade: Grade = Field(..., description="考评等次", examples=["good"])
    opinion: str = Field(..., description="考评意见", examples=["履责到位，台账规范"])


class CommendIn(RespIn):
    model_config = _in_example(year=2026, reason="纪实规范，成效突出")

    year: int | None = _year()
    reason: str = Field(..., description="表扬事由", examples=["纪实规范，成效突出"])


class StepIn(RespIn):
    model_config = _in_example(
        stage="talk", held_on="2026-05-20", by_whom="县纪委第一监督检查室", whom="党委书记",
        content="约谈督促按时记录纪实", follow_up="一个月内整改到位",
    )

    stage: Stage = Field(..., description="阶段（逐级：提醒→约谈→通报→追责，或销号）",
                         examples=["talk"])
    held_on: dt.date = Field(..., description="时间（不晚于今天）", examples=["2026-05-20"])
    by_whom: str = Field(..., description="谈话人/经办人", examples=["县纪委第一监督检查室"])
    whom: str = Field("", description="谈话对象（提醒、约谈时必填）", examples=["党委书记"])
    content: str = Field(..., description="内容", examples=["约谈督促按时记录纪实"])
    follow_up: str = Field("", description="后续要求", examples=["一个月内整改到位"])
    files: list[FileIn] = Field([], max_length=10, description="佐证材料")
    skip_reason: str = Field(
        "", description="越级处理的理由（跳过提醒→约谈→通报→追责中的一级时必填）", examples=[""])


class CaseOpenIn(StepIn):
    model_config = _in_example(
        year=2026, problem="纪实不及时", stage="remind", held_on="2026-05-12",
        by_whom="县纪委第一监督检查室", whom="党委书记", content="提醒按时记录履责纪实",
        follow_up="两周内补齐纪实",
    )

    year: int | None = _year()
    problem: str = Field(..., description="发现的问题", examples=["纪实不及时"])


class SpotCheckIn(RespIn):
    model_config = _in_example(
        year=2026, title="2026年度履责纪实随机抽查", strata={"primary": 2, "supervisory": 1},
        seed="",
    )

    year: int | None = _year()
    title: str = Field(..., description="名称", examples=["2026年度履责纪实随机抽查"])
    strata: dict[str, int] = Field(
        ..., description="各层抽取数量：all（全部组织）或 primary（机关党组织）、"
                         "supervisory（机关纪检）", examples=[{"primary": 2, "supervisory": 1}])
    seed: str = Field("", description="种子（留空则随机生成）")


class TargetRecordIn(RespIn):
    model_config = _in_example(
        findings="台账完整，个别纪实滞后", problems=["纪实滞后"], deadline="2026-09-30",
    )

    findings: str = Field(..., description="检查情况", examples=["台账完整，个别纪实滞后"])
    problems: list[str] = Field([], max_length=50,
                                description="发现的问题（每项生成一条整改事项）",
                                examples=[["纪实滞后"]])
    deadline: dt.date | None = Field(None, description="整改时限（发现问题时必填）",
                                     examples=["2026-09-30"])


class VerifyIn(RespIn):
    model_config = _in_example(files=True)

    files: bool = Field(False, description="同时核对佐证文件")


class CheckpointCheckIn(RespIn):
    model_config = _in_example(code=f"duty:7#12:{_DIGEST}")

    code: str = Field(..., max_length=200, description="检查点编码 duty:组织编号#序号:64位摘要",
                      examples=["duty:12#3:" + "0" * 64])


# Example values (shown in /api/docs), shared by the schemas that nest them.

_LIST: dict[str, Any] = dict(
    id=3, year=2026, body_id=7, body_name="中共县教育局机关委员会", kind="primary",
    kind_label="主体责任清单", status="submitted", status_label="待审核",
    submitted_at="2026-02-10T09:00:00+08:00", submitted_late=False, reviewed_at=None,
    review_opinion="", n_items=6, n_done=1, rate=17,
)
_ITEM: dict[str, Any] = dict(
    id=21, list_id=3, order=2, policy_point="1(1)②",
    is_own=False, content="组织党员深入学习贯彻习近平新时代中国特色社会主义思想",
    targets="全年学习计划全部完成，党员学习全覆盖",
    measures="制定年度学习计划；每月集中学习不少于1次", deadline="2026-12-31",
    responsible_id=31, responsible_name="李四", progress=50, n_records=3, state="normal",
)
_REVIEW: dict[str, Any] = dict(
    at="2026-02-10T09:00:00+08:00", actor_name="李四", status_from="draft",
    status_to="submitted", opinion="",
)
_CHECKPOINT: dict[str, Any] = dict(
    chain="duty:7", seq=12, digest=_DIGEST, code=f"duty:7#12:{_DIGEST}",
    taken_at="2026-06-30T17:00:00+08:00", taken_by="张三", note="县级统一检查点",
)
_NOTE: dict[str, Any] = dict(
    id=5, year=2026, body_id=7, kind="routine", kind_label="平时督查", noted_on="2026-05-10",
    content="检查台账，纪实及时", author_name="王芳",
)
_EVALUATION: dict[str, Any] = dict(
    id=4, year=2026, body_id=7, body_name="中共县教育局机关委员会", grade="good",
    grade_label="好", opinion="履责到位，台账规范", evaluated_on="2026-11-25",
    evaluator_name="王芳",
)
_COMMENDATION: dict[str, Any] = dict(
    id=2, year=2026, body_id=7, body_name="中共县教育局机关委员会",
    reason="纪实规范，成效突出", commended_on="2026-11-28", issuer_name="王芳",
)
_CASE: dict[str, Any] = dict(
    id=6, year=2026, body_id=9, body_name="中共县卫生健康委员会机关委员会",
    problem="纪实不及时", stage="talk", stage_label="约谈", target_id=None,
    opened_at="2026-05-12T10:00:00+08:00",
)
_ATTACHMENT: dict[str, Any] = dict(
    id=55, name="会议照片.jpg", mime="image/jpeg", size=284513,
    sm3="d21b0dd027394b83df3aed1e670b130998f2b8c552f6a704bba2b0970c92dad2",
    download_url="/evidence/55/download/",
)
_STEP: dict[str, Any] = dict(
    id=11, stage="talk", stage_label="约谈", held_on="2026-05-20", by_whom="县纪委第一监督检查室",
    whom="党委书记", content="约谈督促按时记录纪实", follow_up="一个月内整改到位",
    skip_reason="", actor_name="赵强", attachments=[_ATTACHMENT],
)
_RECORD: dict[str, Any] = dict(
    id=81, item_id=21, body_id=7, chain_seq=12, summary="召开党委会专题学习",
    occurred_on="2026-03-15", recorded_at="2026-03-16T09:20:00+08:00", recorder_name="李四",
    progress=50, is_late=False, corrects_id=None,
)
_TARGET: dict[str, Any] = dict(
    id=14, body_id=9, body_name="中共县卫生健康委员会机关委员会", stratum="primary",
    result="problems", result_label="发现问题", findings="台账完整，个别纪实滞后",
    checked_on="2026-09-10", plan_id=17,
)
_SPOTCHECK: dict[str, Any] = dict(
    id=1, year=2026, title="2026年度履责纪实随机抽查", conductor_name="中共县纪律检查委员会",
    strata={"primary": 2, "supervisory": 1},
    population_digest="b1a9e8561748296b5d193b155d1346441c1f71ee3ecab1b809f8b46d779659de",
    seed_commitment="fda62a77346ca2dc9a711a3e9f540412afa2d64e8ef9b25e146b866f0a52bf12",
    seed="7f3a9c2e5b1d48a6c0e9f2b7a1d3c5e8", drawn={"primary": [9, 13], "supervisory": [8]},
    committed_at="2026-09-01T09:00:00+08:00", drawn_at="2026-09-02T09:00:00+08:00",
    created_by_name="赵强",
)
_JOB: dict[str, Any] = dict(
    id=15, kind="trail.verify", label="留痕校验", state="done", state_label="已完成", stage="",
    done=120, total=120, created="2026-06-30T16:00:00+08:00",
    finished="2026-06-30T16:00:08+08:00", url="/jobs/15/",
)


# Outputs -------------------------------------------------------------------------------------
# Built from the models by resolvers (an API function returns the model object); flags that
# depend on who asks read the request from ninja's context.


def _user(context: Any) -> Any:
    return context["request"].user


class WindowOut(Schema):
    model_config = example(
        year=2026, title="2026年度责任清单报送", opens_at="2026-01-01T00:00:00+08:00",
        closes_at="2026-02-28T23:59:59+08:00",
    )

    year: int
    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime


class ListOut(Schema):
    model_config = example(**_LIST)

    id: int
    year: int
    body_id: int
    body_name: str
    kind: ListKind
    kind_label: str
    status: ListStatus
    status_label: str
    submitted_at: dt.datetime | None
    submitted_late: bool = Field(..., description="逾期报送")
    reviewed_at: dt.datetime | None
    review_opinion: str
    n_items: int = Field(..., description="事项数")
    n_done: int = Field(..., description="已完成事项数")
    rate: int = Field(..., description="完成率（%）")

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.year.year)

    @staticmethod
    def resolve_body_name(obj: Any) -> str:
        return str(obj.body.name)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_n_items(obj: Any) -> int:
        return annotated(obj, "n_items")

    @staticmethod
    def resolve_n_done(obj: Any) -> int:
        return annotated(obj, "n_done")

    @staticmethod
    def resolve_rate(obj: Any) -> int:
        return rate(annotated(obj, "n_done"), annotated(obj, "n_items"))



class ListItemOut(Schema):
    model_config = example(**_ITEM)

    id: int
    list_id: int
    order: int = Field(..., description="序号")
    policy_point: str = Field(..., description="政策条目；空为本单位措施")
    is_own: bool = Field(..., description="本单位措施")
    content: str
    targets: str
    measures: str
    deadline: dt.date
    responsible_id: int | None
    responsible_name: str | None
    progress: int = Field(..., description="完成进度（%）")
    n_records: int = Field(..., description="纪实条数")
    state: str = Field(..., description="done 已完成、overdue 逾期、soon 临期、normal 正常")

    @staticmethod
    def resolve_list_id(obj: Any) -> int:
        return int(obj.rlist_id)

    @staticmethod
    def resolve_responsible_name(obj: Any) -> str | None:
        return obj.responsible.name if obj.responsible_id else None

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return item_state(obj.deadline, obj.progress, timezone.localdate())


class ReviewOut(Schema):
    model_config = example(**_REVIEW)

    at: dt.datetime
    actor_name: str
    status_from: ListStatus
    status_to: ListStatus
    opinion: str


class ListDetailOut(ListOut):
    model_config = example(
        **_LIST, items=[_ITEM], reviews=[_REVIEW], reviewer="县直机关工委",
        window_opens_at="2026-01-01T00:00:00+08:00",
        window_closes_at="2026-02-28T23:59:59+08:00", can_edit=False, can_submit=False,
        can_review=True, recordable=True,
    )

    items: list[ListItemOut]
    reviews: list[ReviewOut] = Field(..., description="报送、退回、通过的记录")
    reviewer: str = Field(..., description="审核单位")
    window_opens_at: dt.datetime
    window_closes_at: dt.datetime
    can_edit: bool = Field(..., description="您可修改台账")
    can_submit: bool = Field(..., description="您可报送")
    can_review: bool = Field(..., description="您可审核（退回或通过）")
    recordable: bool = Field(..., description="可记录履责纪实（已报送）")

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.items.select_related("responsible"))

    @staticmethod
    def resolve_reviews(obj: Any) -> list[Any]:
        return list(obj.reviews.all())

    @staticmethod
    def resolve_reviewer(obj: Any) -> str:
        return REVIEWER_LABEL[ListKind(obj.kind)]

    @staticmethod
    def resolve_window_opens_at(obj: Any) -> dt.datetime:
        return lists_window(obj.year).opens_at

    @staticmethod
    def resolve_window_closes_at(obj: Any) -> dt.datetime:
        return lists_window(obj.year).closes_at

    @staticmethod
    def resolve_can_edit(obj: Any, context: Any) -> bool:
        return can_edit(_user(context), obj.body, obj.kind) and obj.status in EDITABLE

    @staticmethod
    def resolve_can_submit(obj: Any, context: Any) -> bool:
        return can_edit(_user(context), obj.body, obj.kind) and obj.status in EDITABLE

    @staticmethod
    def resolve_can_review(obj: Any, context: Any) -> bool:
        return can_review(_user(context), obj) and obj.status == ListStatus.SUBMITTED

    @staticmethod
    def resolve_recordable(obj: Any) -> bool:
        return obj.status in RECORDABLE


class OrgRowOut(Schema):
    model_config = example(
        body_id=7, body_name="中共县教育局机关委员会", kind="primary", list_id=3,
        status="submitted", status_label="待审核", late=False, n_items=6, n_done=1,
        completion=17, grade="好", open_cases=0,
    )

    body_id: int
    body_name: str
    kind: ListKind
    list_id: int | None
    status: str = Field(..., description="清单状态；none 为未编制")
    status_label: str
    late: bool
    n_items: int
    n_done: int
    completion: int = Field(..., description="完成率（%）")
    grade: str = Field(..., description="年度考评等次（好/较好/一般/差），未考评为空")
    open_cases: int = Field(..., description="未结提醒约谈")


class CheckpointOut(Schema):
    model_config = example(**_CHECKPOINT)

    chain: str
    seq: int
    digest: str
    code: str = Field(..., description="可打印在报告上的检查点编码")
    taken_at: dt.datetime
    taken_by: str
    note: str


class NoteOut(Schema):
    model_config = example(**_NOTE)

    id: int
    year: int
    body_id: int
    kind: NoteKind
    kind_label: str
    noted_on: dt.date
    content: str
    author_name: str

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.year.year)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class ResponsibilityEvaluationOut(Schema):
    model_config = example(**_EVALUATION)

    id: int
    year: int
    body_id: int
    body_name: str
    grade: Grade
    grade_label: str
    opinion: str
    evaluated_on: dt.date
    evaluator_name: str

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.year.year)

    @staticmethod
    def resolve_body_name(obj: Any) -> str:
        return str(obj.body.name)

    @staticmethod
    def resolve_grade_label(obj: Any) -> str:
        return str(obj.get_grade_display())


class CommendationOut(Schema):
    model_config = example(**_COMMENDATION)

    id: int
    year: int
    body_id: int
    body_name: str
    reason: str
    commended_on: dt.date
    issuer_name: str

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.year.year)

    @staticmethod
    def resolve_body_name(obj: Any) -> str:
        return str(obj.body.name)


class CaseOut(Schema):
    model_config = example(**_CASE)

    id: int
    year: int
    body_id: int
    body_name: str
    problem: str
    stage: Stage
    stage_label: str
    target_id: int | None = Field(..., description="来源抽查对象")
    opened_at: dt.datetime

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.year.year)

    @staticmethod
    def resolve_body_name(obj: Any) -> str:
        return str(obj.body.name)

    @staticmethod
    def resolve_stage_label(obj: Any) -> str:
        return str(obj.get_stage_display())


class RecordAttachmentOut(Schema):
    model_config = example(**_ATTACHMENT)

    id: int
    name: str
    mime: str
    size: int
    sm3: str
    download_url: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.original_name)

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        return reverse("evidence:download", args=[obj.pk])


class ListStepOut(Schema):
    model_config = example(**_STEP)

    id: int
    stage: Stage
    stage_label: str
    held_on: dt.date
    by_whom: str
    whom: str
    content: str
    follow_up: str
    skip_reason: str = Field(..., description="越级处理的理由（逐级进行时为空）")
    actor_name: str
    attachments: list[RecordAttachmentOut]

    @staticmethod
    def resolve_stage_label(obj: Any) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(evidence_for(obj))


class CaseDetailOut(CaseOut):
    model_config = example(
        **_CASE, steps=[_STEP], next_stages=["notice", "account", "resolved"], can_oversee=True,
    )

    steps: list[ListStepOut]
    next_stages: list[Stage] = Field(..., description="可进入的下一阶段")
    can_oversee: bool

    @staticmethod
    def resolve_steps(obj: Any) -> list[Any]:
        return list(obj.steps.all())

    @staticmethod
    def resolve_next_stages(obj: Any) -> list[str]:
        return reachable_stages(obj.stage)

    @staticmethod
    def resolve_can_oversee(obj: Any, context: Any) -> bool:
        return covers(_user(context), Perm.RESP_OVERSEE, obj.body)


class OrgDetailOut(Schema):
    # (An organisation yet to draw up this year's list: the nested objects are resolved from
    # their models, so an example of them here would not validate as a plain dict.)
    model_config = example(
        body_id=11, body_name="中共县财政局机关委员会", kind="primary", year=2026, rlist=None,
        can_edit=True, can_oversee=False,
        checkpoint={**_CHECKPOINT, "chain": "duty:11", "seq": 4, "digest": _DIGEST_11,
                    "code": f"duty:11#4:{_DIGEST_11}", "taken_at": "2026-03-31T17:00:00+08:00"},
        notes=[], evaluation=None, commendations=[], cases=[],
    )

    body_id: int
    body_name: str
    kind: ListKind
    year: int
    rlist: ListOut | None = Field(..., description="本年度的责任清单")
    can_edit: bool
    can_oversee: bool
    checkpoint: CheckpointOut | None = Field(..., description="最近的纪实链检查点")
    notes: list[NoteOut]
    evaluation: ResponsibilityEvaluationOut | None
    commendations: list[CommendationOut]
    cases: list[CaseOut]


class RecordOut(Schema):
    model_config = example(**_RECORD)

    id: int
    item_id: int
    body_id: int
    chain_seq: int = Field(..., description="留痕序号")
    summary: str
    occurred_on: dt.date
    recorded_at: dt.datetime
    recorder_name: str
    progress: int
    is_late: bool = Field(..., description="补记")
    corrects_id: int | None = Field(..., description="更正的记录")


class EntryOut(Schema):
    model_config = example(
        chain="duty:7", seq=12, at="2026-03-16T09:20:00+08:00", digest=_DIGEST,
        prev_digest=_PREV_DIGEST,
    )

    chain: str
    seq: int
    at: dt.datetime
    digest: str
    prev_digest: str


class RecordDetailOut(RecordOut):
    model_config = example(
        **_RECORD, attachments=[_ATTACHMENT],
        entry={"chain": "duty:7", "seq": 12, "at": "2026-03-16T09:20:00+08:00",
               "digest": _DIGEST, "prev_digest": _PREV_DIGEST},
        matches=True, corrections=[],
    )

    attachments: list[RecordAttachmentOut]
    entry: EntryOut | None = Field(..., description="留痕链上的对应条目")
    matches: bool = Field(..., description="记录（含佐证）与留痕一致")
    corrections: list[RecordOut] = Field(..., description="更正本记录的记录")

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(evidence_for(obj))

    @staticmethod
    def resolve_entry(obj: Any) -> Any:
        return TrailEntry.objects.filter(chain=obj.chain, seq=obj.chain_seq).first()

    @staticmethod
    def resolve_matches(obj: Any) -> bool:
        entry = TrailEntry.objects.filter(chain=obj.chain, seq=obj.chain_seq).first()
        return entry is not None and entry.subject_type == SUBJECT_TYPE and (
            (entry.after or {}).get("记录") == record_content(obj, list(evidence_for(obj))))

    @staticmethod
    def resolve_corrections(obj: Any) -> list[Any]:
        return list(obj.corrections.all())


class ItemDetailOut(ListItemOut):
    model_config = example(**_ITEM, rlist=_LIST, can_record=True, grace_days=7)

    rlist: ListOut
    can_record: bool = Field(..., description="您可为该事项记录履责纪实")
    grace_days: int = Field(..., description="超过该天数记录的为补记")

    @staticmethod
    def resolve_rlist(obj: Any) -> Any:
        return lists_with_rates(ResponsibilityList.objects.filter(pk=obj.rlist_id)
                                .select_related("body", "year")).get()

    @staticmethod
    def resolve_can_record(obj: Any, context: Any) -> bool:
        return can_record(_user(context), obj) and obj.rlist.status in RECORDABLE

    @staticmethod
    def resolve_grace_days(obj: Any) -> int:
        return grace_days()


class MyItemOut(ListItemOut):
    model_config = example(**_ITEM, body_id=7, body_name="中共县教育局机关委员会", year=2026)

    body_id: int
    body_name: str
    year: int

    @staticmethod
    def resolve_body_id(obj: Any) -> int:
        return int(obj.rlist.body_id)

    @staticmethod
    def resolve_body_name(obj: Any) -> str:
        return str(obj.rlist.body.name)

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.rlist.year.year)


class TargetOut(Schema):
    model_config = example(**_TARGET)

    id: int
    body_id: int
    body_name: str
    stratum: str
    result: TargetResult
    result_label: str
    findings: str
    checked_on: dt.date | None
    plan_id: int | None = Field(..., description="整改方案")

    @staticmethod
    def resolve_body_name(obj: Any) -> str:
        return str(obj.body.name)

    @staticmethod
    def resolve_result_label(obj: Any) -> str:
        return str(obj.get_result_display())


class SpotCheckOut(Schema):
    model_config = example(**_SPOTCHECK)

    id: int
    year: int
    title: str
    conductor_name: str
    strata: dict[str, int]
    population_digest: str = Field(..., description="抽取范围的 SM3")
    seed_commitment: str = Field(..., description="种子的 SM3 承诺")
    seed: str = Field(..., description="种子（抽取后公开，之前为空）")
    drawn: dict[str, list[int]] = Field(..., description="抽中的组织 id（按层）")
    committed_at: dt.datetime
    drawn_at: dt.datetime | None
    created_by_name: str

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.year.year)

    @staticmethod
    def resolve_conductor_name(obj: Any) -> str:
        return str(obj.conductor.name)

    @staticmethod
    def resolve_seed(obj: Any) -> str:
        return str(obj.seed) if obj.is_drawn else ""  # hidden until the draw


class SpotCheckDetailOut(SpotCheckOut):
    model_config = example(
        **_SPOTCHECK, population={"primary": [7, 9, 11, 13], "supervisory": [8, 10]},
        names={"7": "中共县教育局机关委员会", "8": "中共县教育局机关纪律检查委员会",
               "9": "中共县卫生健康委员会机关委员会",
               "10": "中共县卫生健康委员会机关纪律检查委员会",
               "11": "中共县财政局机关委员会", "13": "中共县农业农村局机关委员会"},
        targets=[_TARGET], seed_ok=True, draw_ok=True, can_check=True,
    )

    population: dict[str, list[int]]
    names: dict[str, str] = Field(..., description="范围内组织的名称（按 id）")
    targets: list[TargetOut]
    seed_ok: bool = Field(..., description="种子与承诺、范围与摘要一致")
    draw_ok: bool = Field(..., description="按种子重新抽取得到同一名单")
    can_check: bool

    @staticmethod
    def resolve_names(obj: Any) -> dict[str, str]:
        ids = [i for ids in obj.population.values() for i in ids]
        return {str(pk): name for pk, name in
                Body.objects.filter(pk__in=ids).values_list("pk", "name")}

    @staticmethod
    def resolve_targets(obj: Any) -> list[Any]:
        return list(obj.targets.select_related("body"))

    @staticmethod
    def resolve_seed_ok(obj: Any) -> bool:
        return spotcheck_reproduce(obj)[0]

    @staticmethod
    def resolve_draw_ok(obj: Any) -> bool:
        return spotcheck_reproduce(obj)[1]

    @staticmethod
    def resolve_can_check(obj: Any, context: Any) -> bool:
        return is_county_wide(_user(context), Perm.RESP_SPOT_CHECK)


class ResponsibilityJobOut(Schema):
    model_config = example(**_JOB)

    id: int
    kind: str
    label: str
    state: str
    state_label: str
    stage: str
    done: int
    total: int
    created: dt.datetime
    finished: dt.datetime | None
    url: str = Field(..., description="查看进度与结果的页面")

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())


class ChainRowOut(Schema):
    model_config = example(
        body_id=7, body_name="中共县教育局机关委员会", chain="duty:7", checkpoint=_CHECKPOINT,
    )

    body_id: int
    body_name: str
    chain: str
    checkpoint: CheckpointOut | None


class ChainsOut(Schema):
    model_config = example(
        rows=[{"body_id": 7, "body_name": "中共县教育局机关委员会", "chain": "duty:7",
               "checkpoint": _CHECKPOINT}],
        recent_jobs=[],  # (see ResponsibilityJobOut: resolved from the job, not a dict)
    )

    rows: list[ChainRowOut]
    recent_jobs: list[ResponsibilityJobOut] = Field(..., description="您最近提交的校验与检查点任务")


class CheckpointMatchOut(Schema):
    model_config = example(
        ok=True, message="检查点与链中第12条记录一致，此前的记录均未被改动",
    )

    ok: bool
    message: str
