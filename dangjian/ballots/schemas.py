"""The ballots API's schemas: what the chair's pages show, and no more.

Nothing here names a ballot row, a receipt or a code's hash: a box is described by its counts
(issued, used, void) and, once closed, by the tally per candidate, exactly as the count and
result pages show it. Plain codes appear in one response only, `CodesOut`, to the chair who
issued them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict

from dangjian.api.schemas import In
from dangjian.ballots import rules, selectors
from dangjian.ballots.models import Box, BoxStatus
from dangjian.ballots.services import MAX_CODES_PER_ISSUE
from dangjian.core.filters import ListFilter
from dangjian.core.grades import Grade


class BoxFilter(ListFilter):
    """The box list's filters, read by the page (`from_query`) and the API (`Query[...]`)."""

    status: BoxStatus | None = Field(None, description="状态", examples=["open"])
    purpose: str = Field("", max_length=40, description="用途（如 duty_review）",
                         examples=["duty_review"])
    q: str = Field("", max_length=100, description="按名称查找", examples=["述职"])

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"status": "open", "q": "述职"}]},
    )

    def queryset(self, user: Any) -> QuerySet[Box]:
        """The boxes `user` may manage, filtered, newest first."""
        qs = selectors.box_list(user=user, purpose=self.purpose)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.q:
            qs = qs.filter(title__contains=self.q)
        return qs.order_by("-created_at", "-id")


def count_of(box: Box) -> dict[str, Any]:
    """The count page's figures for a box."""
    audit = selectors.audit(box)
    return {"box_id": box.pk, "status": box.status, "status_label": BoxStatus(box.status).label,
            "issued": audit.issued, "used": audit.used, "void": audit.void}


class CandidateOut(Schema):
    id: int
    label: str = Field(..., description="被测评对象")
    note: str = Field(..., description="说明")


class CountOut(Schema):
    """The live count: ballots received, never results (the count page's three figures)."""

    box_id: int
    status: BoxStatus
    status_label: str
    issued: int = Field(..., description="已发放票码")
    used: int = Field(..., description="已收回测评票")
    void: int = Field(..., description="已作废")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "box_id": 12, "status": "open", "status_label": "测评中",
        "issued": 30, "used": 17, "void": 0,
    }]})


_BOX_EXAMPLE: dict[str, Any] = {
    "id": 12, "title": "2026年度党组织书记述职评议测评", "purpose": "duty_review",
    "owner_body_id": 3, "owner_body_name": "中共示范县直属机关工作委员会", "status": "open",
    "status_label": "测评中", "opened_at": "2026-12-20T09:05:00+08:00", "closed_at": None,
    "created_at": "2026-12-18T10:00:00+08:00",
}


class BoxListItem(Schema):
    id: int
    title: str = Field(..., description="名称")
    purpose: str = Field(..., description="用途（使用该测评的模块）")
    owner_body_id: int = Field(..., description="组织单位 id")
    owner_body_name: str
    status: BoxStatus
    status_label: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_owner_body_name(obj: Box) -> str:
        return obj.owner_body.name

    @staticmethod
    def resolve_status_label(obj: Box) -> str:
        return BoxStatus(obj.status).label

    model_config = ConfigDict(json_schema_extra={"examples": [_BOX_EXAMPLE]})


class BoxOut(BoxListItem):
    ref: str = Field(..., description="关联记录")
    rule: dict[str, Any] = Field(..., description="评定规则（数据）")
    rule_text: str = Field(..., description="评定规则（文字）")
    candidates: list[CandidateOut] = Field(..., description="被测评对象，按票面顺序")
    vote_url: str = Field(..., description="测评地址（评议人员扫码或输入票码进入）")
    count: CountOut = Field(..., description="票码与收回情况")

    @staticmethod
    def resolve_rule_text(obj: Box) -> str:
        return rules.describe(obj.rule)

    @staticmethod
    def resolve_candidates(obj: Box) -> list[Any]:
        return list(obj.candidates.all())

    @staticmethod
    def resolve_vote_url(obj: Box) -> str:
        return reverse("vote:rater_form", args=[obj.token])

    @staticmethod
    def resolve_count(obj: Box) -> dict[str, Any]:
        return count_of(obj)

    model_config = ConfigDict(json_schema_extra={"examples": [{
        **_BOX_EXAMPLE, "ref": "meeting:5", "rule": {"kind": "plurality"},
        "rule_text": "得票最多的档次为综合评价（票数相同取较低档次）",
        "candidates": [{"id": 40, "label": "张三", "note": "县教育局第1党支部"}],
        "vote_url": "/b/Xq3vL9aTz0bKp2WcR7mN1e/",
        "count": {"box_id": 12, "status": "open", "status_label": "测评中", "issued": 30,
                  "used": 17, "void": 0},
    }]})


class CodesIssueIn(In):
    count: int = Field(..., ge=1, le=MAX_CODES_PER_ISSUE,
                       description=f"发放数量（1–{MAX_CODES_PER_ISSUE}）")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"count": 30}]})


class SlipOut(Schema):
    code: str = Field(..., description="票码（四位一组）")
    link: str = Field(..., description="二维码内容：测评地址#票码")


class CodesOut(Schema):
    """The slips of one issue: the only time the codes exist in clear."""

    box_id: int
    count: int
    vote_url: str = Field(..., description="测评地址")
    slips: list[SlipOut]

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "box_id": 12, "count": 1, "vote_url": "https://dj.example.gov.cn/b/Xq3vL9aTz0bKp2WcR7mN1e/",
        "slips": [{"code": "K7QM-3XRD-9TPA",
                   "link": "https://dj.example.gov.cn/b/Xq3vL9aTz0bKp2WcR7mN1e/#K7QM3XRD9TPA"}],
    }]})


class VoidOut(Schema):
    voided: int = Field(..., description="本次作废的票码数")
    count: CountOut

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "voided": 13, "count": {"box_id": 12, "status": "open", "status_label": "测评中",
                                "issued": 30, "used": 17, "void": 13},
    }]})


class GradeCountOut(Schema):
    grade: Grade
    label: str
    count: int = Field(..., description="票数")
    share: float = Field(..., description="占比（0–1）")


class CandidateResultOut(Schema):
    candidate_id: int
    label: str = Field(..., description="被测评对象")
    grades: list[GradeCountOut] = Field(..., description="各档次票数，按好、较好、一般、差")
    total: int = Field(..., description="票数")
    overall: Grade | None = Field(..., description="综合评价（无人评价时为空）")
    overall_label: str


class AuditOut(Schema):
    issued: int = Field(..., description="发放票码")
    used: int = Field(..., description="使用票码")
    ballots: int = Field(..., description="收回测评票")
    counted: int = Field(..., description="计入统计")
    void: int = Field(..., description="作废")
    consistent: bool = Field(..., description="发放 ≥ 使用 = 收回 = 计入统计")


class ResultOut(Schema):
    box_id: int
    title: str
    closed_at: dt.datetime | None
    rule_text: str = Field(..., description="评定规则")
    audit: AuditOut = Field(..., description="核验")
    results: list[CandidateResultOut]

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "box_id": 12, "title": "2026年度党组织书记述职评议测评",
        "closed_at": "2026-12-20T10:30:00+08:00",
        "rule_text": ("“好”票占比≥60%为好；“好”与“较好”合计≥60%为较好；"
                      "“差”票占比≥33%为差；其余为一般"),
        "audit": {"issued": 30, "used": 28, "ballots": 28, "counted": 28, "void": 2,
                  "consistent": True},
        "results": [{"candidate_id": 40, "label": "张三（县教育局党组书记）", "total": 28,
                     "overall": "good", "overall_label": "好", "grades": [
                         {"grade": "good", "label": "好", "count": 20, "share": 0.714},
                         {"grade": "fairly_good", "label": "较好", "count": 6, "share": 0.214},
                         {"grade": "average", "label": "一般", "count": 2, "share": 0.071},
                         {"grade": "poor", "label": "差", "count": 0, "share": 0.0}]}],
    }]})
