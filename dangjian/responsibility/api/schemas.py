"""Request and response schemas of the 两个责任 API. Input field names are the services' own,
so a service's field error ({"deadline": "..."}) names the field the client sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import Base64Bytes, field_validator

from dangjian.api.schemas import In
from dangjian.core.grades import Grade
from dangjian.evidence.services import evidence_for
from dangjian.org.models import Body
from dangjian.org.scope import Perm, is_county_wide
from dangjian.responsibility.models import (
    EDITABLE,
    RECORDABLE,
    STAGE_TRANSITIONS,
    ListKind,
    ListStatus,
    NoteKind,
    ResponsibilityList,
    Stage,
    TargetResult,
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


def _year() -> Any:
    return Field(None, ge=1949, le=2100, description="年度（默认当前选择的年度）",
                 examples=[2026])


class YearIn(RespIn):
    year: int | None = _year()


class WindowIn(RespIn):
    year: int | None = _year()
    opens: dt.date = Field(..., description="开始报送日期", examples=["2026-01-01"])
    closes: dt.date = Field(..., description="截止日期（当日 23:59:59 截止）",
                            examples=["2026-02-28"])


class ItemIn(RespIn):
    content: str = Field(..., description="责任内容", examples=["党建品牌创建"])
    targets: str = Field(..., description="目标要求", examples=["形成1个机关党建品牌"])
    measures: str = Field(..., description="工作措施", examples=["每季度推进一次"])
    deadline: dt.date = Field(..., description="完成时限（本年度内）", examples=["2026-12-31"])
    responsible: int | None = Field(None, description="责任人 id（本单位在职人员）",
                                    examples=[12])


class ListOpinionIn(RespIn):
    opinion: str = Field("", description="审核意见（退回时必填）", examples=["措施需量化"])


class FileIn(RespIn):
    name: str = Field(..., max_length=200, description="文件名", examples=["会议照片.png"])
    data: Base64Bytes = Field(..., description="文件内容（Base64）",
                              examples=["iVBORw0KGgo="])


class RecordIn(RespIn):
    summary: str = Field(..., description="履责情况", examples=["召开党委会专题学习"])
    occurred_on: dt.date = Field(..., description="履责日期（不晚于今天，本年度内）",
                                 examples=["2026-03-15"])
    progress: int = Field(..., description="完成进度（0–100）", examples=[50])
    corrects: int | None = Field(None, description="更正的记录 id（同一事项下、尚未被更正的）")
    files: list[FileIn] = Field([], max_length=10, description="佐证材料（图片、PDF、Office 文档）")


class NoteIn(RespIn):
    year: int | None = _year()
    kind: NoteKind = Field(NoteKind.ROUTINE, description="督查方式")
    content: str = Field(..., description="督查情况", examples=["检查台账，纪实及时"])
    noted_on: dt.date = Field(..., description="督查日期（不晚于今天）", examples=["2026-05-10"])


class EvaluationIn(RespIn):
    year: int | None = _year()
    grade: Grade = Field(..., description="考评等次", examples=["good"])
    opinion: str = Field(..., description="考评意见", examples=["履责到位，台账规范"])


class CommendIn(RespIn):
    year: int | None = _year()
    reason: str = Field(..., description="表扬事由", examples=["纪实规范，成效突出"])


class StepIn(RespIn):
    stage: Stage = Field(..., description="阶段（逐级：提醒→约谈→通报→追责，或销号）",
                         examples=["talk"])
    held_on: dt.date = Field(..., description="时间（不晚于今天）", examples=["2026-05-20"])
    by_whom: str = Field(..., description="谈话人/经办人", examples=["县纪委第一监督检查室"])
    whom: str = Field("", description="谈话对象（提醒、约谈时必填）", examples=["党委书记"])
    content: str = Field(..., description="内容", examples=["约谈督促按时记录纪实"])
    follow_up: str = Field("", description="后续要求", examples=["一个月内整改到位"])
    files: list[FileIn] = Field([], max_length=10, description="佐证材料")


class CaseOpenIn(StepIn):
    year: int | None = _year()
    problem: str = Field(..., description="发现的问题", examples=["纪实不及时"])


class SpotCheckIn(RespIn):
    year: int | None = _year()
    title: str = Field(..., description="名称", examples=["2026年度履责纪实随机抽查"])
    strata: dict[str, int] = Field(
        ..., description="各层抽取数量：all（全部组织）或 primary（机关党组织）、"
                         "supervisory（机关纪检）", examples=[{"primary": 2, "supervisory": 1}])
    seed: str = Field("", description="种子（留空则随机生成）")


class TargetRecordIn(RespIn):
    findings: str = Field(..., description="检查情况", examples=["台账完整，个别纪实滞后"])
    problems: list[str] = Field([], max_length=50,
                                description="发现的问题（每项生成一条整改事项）",
                                examples=[["纪实滞后"]])
    deadline: dt.date | None = Field(None, description="整改时限（发现问题时必填）",
                                     examples=["2026-09-30"])


class VerifyIn(RespIn):
    files: bool = Field(False, description="同时核对佐证文件")


class CheckpointCheckIn(RespIn):
    code: str = Field(..., max_length=200, description="检查点编码 duty:组织编号#序号:64位摘要",
                      examples=["duty:12#3:" + "0" * 64])


# Outputs -------------------------------------------------------------------------------------
# Built from the models by resolvers (an API function returns the model object); flags that
# depend on who asks read the request from ninja's context.


def _user(context: Any) -> Any:
    return context["request"].user


class WindowOut(Schema):
    year: int
    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime


class ListOut(Schema):
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

    model_config = {"json_schema_extra": {"examples": [{
        "id": 3, "year": 2026, "body_id": 7, "body_name": "中共县教育局机关委员会",
        "kind": "primary", "kind_label": "主体责任清单", "status": "submitted",
        "status_label": "待审核", "submitted_at": "2026-02-10T09:00:00+08:00",
        "submitted_late": False, "reviewed_at": None, "review_opinion": "", "n_items": 6,
        "n_done": 1, "rate": 17}]}}


class ListItemOut(Schema):
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
    at: dt.datetime
    actor_name: str
    status_from: ListStatus
    status_to: ListStatus
    opinion: str


class ListDetailOut(ListOut):
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
    chain: str
    seq: int
    digest: str
    code: str = Field(..., description="可打印在报告上的检查点编码")
    taken_at: dt.datetime
    taken_by: str
    note: str


class NoteOut(Schema):
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
    id: int
    stage: Stage
    stage_label: str
    held_on: dt.date
    by_whom: str
    whom: str
    content: str
    follow_up: str
    actor_name: str
    attachments: list[RecordAttachmentOut]

    @staticmethod
    def resolve_stage_label(obj: Any) -> str:
        return str(obj.get_stage_display())

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(evidence_for(obj))


class CaseDetailOut(CaseOut):
    steps: list[ListStepOut]
    next_stages: list[Stage] = Field(..., description="可进入的下一阶段")
    can_oversee: bool

    @staticmethod
    def resolve_steps(obj: Any) -> list[Any]:
        return list(obj.steps.all())

    @staticmethod
    def resolve_next_stages(obj: Any) -> list[str]:
        return [to for frm, to in sorted(STAGE_TRANSITIONS) if frm == obj.stage]

    @staticmethod
    def resolve_can_oversee(obj: Any, context: Any) -> bool:
        return covers(_user(context), Perm.RESP_OVERSEE, obj.body)


class OrgDetailOut(Schema):
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
    chain: str
    seq: int
    at: dt.datetime
    digest: str
    prev_digest: str


class RecordDetailOut(RecordOut):
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
    body_id: int
    body_name: str
    chain: str
    checkpoint: CheckpointOut | None


class ChainsOut(Schema):
    rows: list[ChainRowOut]
    recent_jobs: list[ResponsibilityJobOut] = Field(..., description="您最近提交的校验与检查点任务")


class CheckpointMatchOut(Schema):
    ok: bool
    message: str
