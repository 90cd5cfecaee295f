"""The rectification API's schemas, and the plan list's one filter definition (page and API)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from dangjian.api.schemas import In
from dangjian.core.filters import ListFilter
from dangjian.core.years import selected_year
from dangjian.cycles.models import Year
from dangjian.rectification import selectors
from dangjian.rectification.models import Item, ItemStatus, Plan, Progress

# The page's buttons and the API's `action`: the status each one moves an item to.
ACTIONS: dict[str, str] = {
    "progress": ItemStatus.IN_PROGRESS,
    "submit": ItemStatus.SUBMITTED,
    "accept": ItemStatus.CLOSED,
    "reject": ItemStatus.IN_PROGRESS,
}


class PlanFilter(ListFilter):
    """The plan list's filters. Without `year`, the year chosen in the page's year switcher
    (else the current year), as the page shows."""

    year: int | None = Field(None, ge=1949, le=2999, description="年度（如 2026）",
                             examples=[2026])
    source: str = Field("", max_length=40, description="来源（如 duty_review）",
                        examples=["duty_review"])

    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"year": 2026, "source": "duty_review"}]},
    )

    def the_year(self, request: HttpRequest) -> Year | None:
        if self.year is None:
            return selected_year(request)
        return Year.objects.filter(year=self.year).first()

    def queryset(self, request: HttpRequest) -> QuerySet[Plan]:
        year = self.the_year(request)
        if year is None:
            return Plan.objects.none()
        return selectors.plan_list(user=request.user, year=year, source=self.source).order_by(
            "owner_body__path", "id")


_PLAN_EXAMPLE: dict[str, Any] = {
    "id": 7, "year": 2026, "source": "duty_review", "source_ref": "assignment:31",
    "title": "张三2026年度述职评议整改方案", "owner_body_id": 12,
    "owner_body_name": "县教育局第1党支部", "owner_person_id": 101,
    "owner_person_name": "张三", "verifier_body_id": 3,
    "verifier_body_name": "中共示范县直属机关工作委员会", "carried_from_id": None,
    "n_items": 1, "n_closed": 0, "n_overdue": 0,
}


class PlanListItem(Schema):
    id: int
    year: int = Field(..., description="年度")
    source: str = Field(..., description="来源")
    source_ref: str = Field(..., description="来源记录")
    title: str = Field(..., description="名称")
    owner_body_id: int = Field(..., description="整改单位 id")
    owner_body_name: str
    owner_person_id: int | None = Field(..., description="整改责任人 id")
    owner_person_name: str | None
    verifier_body_id: int = Field(..., description="验收单位 id")
    verifier_body_name: str
    carried_from_id: int | None = Field(..., description="承接的上年方案 id")
    n_items: int = Field(..., description="事项数")
    n_closed: int = Field(..., description="已销号")
    n_overdue: int = Field(..., description="已逾期")

    @staticmethod
    def resolve_year(obj: Plan) -> int:
        return obj.year.year

    @staticmethod
    def resolve_owner_body_name(obj: Plan) -> str:
        return obj.owner_body.name

    @staticmethod
    def resolve_owner_person_name(obj: Plan) -> str | None:
        return obj.owner_person.name if obj.owner_person else None

    @staticmethod
    def resolve_verifier_body_name(obj: Plan) -> str:
        return obj.verifier_body.name

    model_config = ConfigDict(json_schema_extra={"examples": [_PLAN_EXAMPLE]})


class ProgressOut(Schema):
    at: dt.datetime
    actor_name: str = Field(..., description="填报人")
    status_from: ItemStatus
    status_to: ItemStatus
    note: str = Field(..., description="情况说明或验收意见")

    @staticmethod
    def resolve_status_from(obj: Progress) -> str:
        return obj.status_from

    @staticmethod
    def resolve_status_to(obj: Progress) -> str:
        return obj.status_to


_ITEM_EXAMPLE: dict[str, Any] = {
    "id": 21, "plan_id": 7, "origin": "评议意见", "problem": "理论学习中心组学习不够经常",
    "measures": "每月开展一次专题学习", "owner_id": 101, "owner_name": "张三",
    "deadline": "2027-06-30", "status": "in_progress", "status_label": "整改中",
    "overdue": False, "closed_at": None, "verification": "",
    "progress": [{"at": "2027-01-15T10:00:00+08:00", "actor_name": "张三",
                  "status_from": "open", "status_to": "in_progress",
                  "note": "已制定学习计划"}],
}


class RectificationItemOut(Schema):
    id: int
    plan_id: int
    origin: str = Field(..., description="问题来源")
    problem: str = Field(..., description="问题")
    measures: str = Field(..., description="整改措施")
    owner_id: int | None = Field(..., description="责任人 id")
    owner_name: str | None
    deadline: dt.date = Field(..., description="整改时限")
    status: ItemStatus
    status_label: str
    overdue: bool = Field(..., description="已逾期（未销号且过了时限）")
    closed_at: dt.datetime | None = Field(..., description="销号时间")
    verification: str = Field(..., description="验收意见")
    progress: list[ProgressOut] = Field(..., description="进展与验收记录（只增不改）")

    @staticmethod
    def resolve_owner_name(obj: Item) -> str | None:
        return obj.owner.name if obj.owner else None

    @staticmethod
    def resolve_status_label(obj: Item) -> str:
        return ItemStatus(obj.status).label

    @staticmethod
    def resolve_overdue(obj: Item) -> bool:
        return obj.is_overdue(timezone.localdate())

    @staticmethod
    def resolve_progress(obj: Item) -> list[Any]:
        return list(obj.progress.all())

    model_config = ConfigDict(json_schema_extra={"examples": [_ITEM_EXAMPLE]})


class PlanOut(PlanListItem):
    owner_side: bool = Field(..., description="您是整改责任方（可制定措施、报告进展、提请验收）")
    verifier_side: bool = Field(..., description="您是验收单位（可验收销号或退回）")
    items: list[RectificationItemOut]

    model_config = ConfigDict(json_schema_extra={"examples": [{
        **_PLAN_EXAMPLE, "owner_side": True, "verifier_side": False,
        "items": [_ITEM_EXAMPLE],
    }]})


class ItemAddIn(In):
    problem: str = Field(..., max_length=5000, description="问题")
    deadline: dt.date = Field(..., description="整改时限")
    measures: str = Field("", max_length=5000, description="整改措施")
    origin: str = Field("", max_length=40, description="问题来源")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "problem": "理论学习中心组学习不够经常", "deadline": "2027-06-30",
        "measures": "每月开展一次专题学习", "origin": "评议意见",
    }]})


class ItemPlanIn(In):
    measures: str = Field(..., max_length=5000, description="整改措施")
    deadline: dt.date = Field(..., description="整改时限")
    owner: int | None = Field(None, description="责任人 id（不填则不变）")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "measures": "每月开展一次专题学习，年底前形成制度", "deadline": "2027-06-30", "owner": 101,
    }]})


class ItemTransitionIn(In):
    action: Literal["progress", "submit", "accept", "reject"] = Field(
        ..., description="progress 报告进展、submit 提请验收（责任方）；"
                         "accept 验收销号、reject 退回继续整改（验收单位）")
    note: str = Field(..., max_length=5000, description="情况说明或验收意见")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"action": "submit", "note": "已按期完成，形成学习制度"},
        {"action": "accept", "note": "经核查，整改到位，同意销号"},
    ]})
