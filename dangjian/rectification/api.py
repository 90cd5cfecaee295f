"""The rectification engine through the API (R2.8, R1.4, R3.5, R5.7, R6.3): plans and their
items, adding an item, the owner's measures, and every move of an item (progress, submit,
accept, send back) — over the services the pages call, with the same sides: the owner side
(整改责任方) and the verifier side (验收单位)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from dangjian.api.pagination import Paged, paginate
from dangjian.api.refs import person_ref
from dangjian.api.schemas import ERRORS
from dangjian.rectification import selectors
from dangjian.rectification.models import Item, Plan
from dangjian.rectification.schemas import (
    ACTIONS,
    ItemAddIn,
    ItemPlanIn,
    ItemTransitionIn,
    PlanFilter,
    PlanListItem,
    PlanOut,
    RectificationItemOut,
)
from dangjian.rectification.services import (
    is_owner_side,
    is_verifier_side,
    item_add,
    item_plan,
    transition,
)

router = Router(tags=["整改"])

SIDE_REFUSED = "您不是该整改方案的责任方或验收单位"


class PlanView:
    """A plan as one user sees it: which side they are on, and its items."""

    def __init__(self, user: Any, plan: Plan) -> None:
        self._plan = plan
        self.owner_side = is_owner_side(user, plan)
        self.verifier_side = is_verifier_side(user, plan)
        self.items = list(plan.items.select_related("owner").prefetch_related("progress"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._plan, name)


def _plan_or_404(request: HttpRequest, pk: int) -> Plan:
    """A plan in the caller's scope (as the page's gate), else 404."""
    return selectors.plan_list(user=request.user).get(pk=pk)


def _item_or_404(request: HttpRequest, pk: int) -> Item:
    item = Item.objects.select_related("plan").get(pk=pk)
    _plan_or_404(request, item.plan_id)
    return item


def _require_a_side(user: Any, plan: Plan, owner_only: bool = False) -> None:
    """Someone with no part in the plan is refused before any input is used (as the page)."""
    if is_owner_side(user, plan) or (not owner_only and is_verifier_side(user, plan)):
        return
    raise PermissionDenied(SIDE_REFUSED)


def _item_out(pk: int) -> Item:
    return Item.objects.select_related("owner").prefetch_related("progress").get(pk=pk)


@router.get(
    "", response={200: list[PlanListItem], **ERRORS}, url_name="rectification_plan_list",
    summary="整改方案列表",
    description="您范围内某年度的整改方案（不给 year 时为页面所选年度，否则为当前年度），"
                "可按来源筛选；含事项数、已销号数、逾期数。与页面“整改方案”列表相同的范围"
                "与筛选。",
)
@paginate(Paged)
def plan_list(request: HttpRequest, filters: Query[PlanFilter]) -> QuerySet[Plan]:
    return filters.queryset(request)


@router.get(
    "/{int:pk}", response={200: PlanOut, **ERRORS}, url_name="rectification_plan_detail",
    summary="整改方案详情",
    description="方案、每个事项的问题、措施、责任人、时限、状态、逾期与进展记录，以及您是"
                "整改责任方还是验收单位。范围外的方案返回 404。",
)
def plan_detail(request: HttpRequest, pk: int) -> PlanView:
    return PlanView(request.user, _plan_or_404(request, pk))


@router.post(
    "/{int:pk}/items", response={201: RectificationItemOut, **ERRORS},
    url_name="rectification_item_add",
    summary="新增整改事项",
    description="整改责任方或验收单位为方案添加一个问题及其时限（不得早于年度开始）。"
                "非任一方返回 403。留痕，并为责任人生成待办。",
)
def item_add_op(request: HttpRequest, pk: int, data: ItemAddIn) -> Status:
    plan = _plan_or_404(request, pk)
    _require_a_side(request.user, plan)
    item = item_add(actor=request.user, plan=plan, problem=data.problem, measures=data.measures,
                    origin=data.origin, deadline=data.deadline)
    return Status(201, _item_out(item.pk))


@router.post(
    "/items/{int:pk}/plan", response={200: RectificationItemOut, **ERRORS},
    url_name="rectification_item_plan",
    summary="制定整改措施",
    description="整改责任方填写措施、时限与责任人（未开始或整改中的事项；已提请验收或已销号的"
                "返回 422）。只有整改责任方可以（403）。留痕。",
)
def item_plan_op(request: HttpRequest, pk: int, data: ItemPlanIn) -> Item:
    item = _item_or_404(request, pk)
    _require_a_side(request.user, item.plan, owner_only=True)
    owner = person_ref(request.user, data.owner, "责任人") if data.owner is not None else None
    item_plan(actor=request.user, item=item, measures=data.measures, deadline=data.deadline,
              owner=owner)
    return _item_out(item.pk)


@router.post(
    "/items/{int:pk}/transition", response={200: RectificationItemOut, **ERRORS},
    url_name="rectification_item_transition",
    summary="整改进展与验收",
    description="progress 报告进展、submit 提请验收（整改责任方）；accept 验收销号、"
                "reject 退回继续整改（验收单位，仅对待验收的事项）。须填写情况说明或验收意见。"
                "状态不允许的操作返回 422；不是相应一方返回 403。写入进展记录并留痕。",
)
def item_transition_op(request: HttpRequest, pk: int, data: ItemTransitionIn) -> Item:
    item = _item_or_404(request, pk)
    _require_a_side(request.user, item.plan)
    transition(actor=request.user, item=item, to=ACTIONS[data.action], note=data.note)
    return _item_out(item.pk)
