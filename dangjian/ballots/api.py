"""The chair's side of the ballots engine (R2.7, R1.2): list, detail, live count, open, close,
issue and void codes, result — over the services and selectors the pages call, behind the same
gate (Perm.BALLOT_MANAGE on the box's organizing body).

The rater's side is a page by design (/b/<token>/, by one-time code) and has no API. Nothing here
can link a code or a person to a ballot: the count shows three figures, the result a tally per
candidate (only once the box is closed), and the plain codes exist in one response only, the
one that issued them.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router

from dangjian.api.pagination import Paged, paginate
from dangjian.api.schemas import ERRORS
from dangjian.ballots import rules, selectors
from dangjian.ballots.models import Box, BoxStatus
from dangjian.ballots.schemas import (
    BoxFilter,
    BoxListItem,
    BoxOut,
    CodesIssueIn,
    CodesOut,
    CountOut,
    ResultOut,
    VoidOut,
    count_of,
)
from dangjian.ballots.services import (
    box_close,
    box_open,
    codes_issue,
    codes_void_unused,
    format_code,
)
from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.org.scope import Perm, require_perm

router = Router(tags=["测评（投票）"])


def _box_or_404(request: HttpRequest, pk: int) -> Box:
    """Who may manage no box at all is refused (403) before an id is looked at; a box outside
    the caller's scope answers like one that does not exist (404)."""
    require_perm(request.user, Perm.BALLOT_MANAGE)
    return selectors.box_list(user=request.user).get(pk=pk)


@router.get(
    "", response={200: list[BoxListItem], **ERRORS}, url_name="ballots_box_list",
    summary="测评列表",
    description="您作为组织单位可以管理的测评（投票），新建的在前；可按状态、用途、名称筛选。"
                "与页面“测评”列表相同的范围。",
)
@paginate(Paged)
def box_list(request: HttpRequest, filters: Query[BoxFilter]) -> QuerySet[Box]:
    require_perm(request.user, Perm.BALLOT_MANAGE)
    return filters.queryset(request.user)


@router.get(
    "/{int:pk}", response={200: BoxOut, **ERRORS}, url_name="ballots_box_detail",
    summary="测评详情",
    description="名称、组织单位、状态、评定规则、被测评对象、测评地址与票码收回情况。"
                "不含任何票码、回执码或测评票。",
)
def box_detail(request: HttpRequest, pk: int) -> Box:
    return _box_or_404(request, pk)


@router.get(
    "/{int:pk}/count", response={200: CountOut, **ERRORS}, url_name="ballots_box_count",
    summary="实时收票数",
    description="测评进行中供主持人查看：已发放、已收回、已作废的票码数。只有数量，"
                "从不含结果。",
)
def box_count(request: HttpRequest, pk: int) -> dict[str, Any]:
    return count_of(_box_or_404(request, pk))


@router.post(
    "/{int:pk}/open", response={200: BoxOut, **ERRORS}, url_name="ballots_box_open",
    summary="开始测评",
    description="准备中的测评开始接受测评票。已开始或已结束的测评不能再开始（422）。留痕。",
)
def box_open_op(request: HttpRequest, pk: int) -> Box:
    box = box_open(actor=request.user, box=_box_or_404(request, pk))
    return selectors.box_list(user=request.user).get(pk=box.pk)


@router.post(
    "/{int:pk}/close", response={200: BoxOut, **ERRORS}, url_name="ballots_box_close",
    summary="结束测评",
    description="结束后不再接受任何测评票，结果随即可查（见“测评结果”）。只有测评中的测评"
                "可以结束（422）。留痕。",
)
def box_close_op(request: HttpRequest, pk: int) -> Box:
    box = box_close(actor=request.user, box=_box_or_404(request, pk))
    return selectors.box_list(user=request.user).get(pk=box.pk)


@router.post(
    "/{int:pk}/codes", response={200: CodesOut, **ERRORS}, url_name="ballots_codes_issue",
    summary="发放票码",
    description="生成一批一次性票码，与页面“生成并打印票码”相同。票码是交给评议人员的凭证："
                "只在本次响应中返回给发放者（响应不缓存），系统只保存其摘要，任何其他接口"
                "（列表、详情、结果）都不会再返回。请打印、裁开、打乱后发放。"
                "已结束的测评不能发放（422）。留痕（只记数量）。",
)
def codes_issue_op(request: HttpRequest, pk: int, data: CodesIssueIn,
                   response: HttpResponse) -> dict[str, Any]:
    box = _box_or_404(request, pk)
    codes = codes_issue(actor=request.user, box=box, count=data.count)
    response["Cache-Control"] = "no-store, max-age=0"
    base = request.build_absolute_uri(reverse("vote:rater_form", args=[box.token]))
    return {"box_id": box.pk, "count": len(codes), "vote_url": base,
            "slips": [{"code": format_code(c), "link": f"{base}#{c}"} for c in codes]}


@router.post(
    "/{int:pk}/codes/void", response={200: VoidOut, **ERRORS}, url_name="ballots_codes_void",
    summary="作废未使用票码",
    description="作废该测评所有尚未使用的票码（如票码单遗失），此后提交一律拒绝。"
                "没有可作废的票码时（如再次作废）返回 422，不作任何改动。留痕。",
)
def codes_void_op(request: HttpRequest, pk: int) -> dict[str, Any]:
    box = _box_or_404(request, pk)
    n = codes_void_unused(actor=request.user, box=box)
    return {"voided": n, "count": count_of(box)}


@router.get(
    "/{int:pk}/result", response={200: ResultOut, **ERRORS}, url_name="ballots_result",
    summary="测评结果",
    description="测评结束后：每个被测评对象各档次的票数与占比、综合评价，以及核验"
                "（发放 ≥ 使用 = 收回 = 计入统计）。与结果页相同，只有汇总，不含任何一张"
                "测评票或回执码。测评结束前返回 422。",
)
def result(request: HttpRequest, pk: int) -> dict[str, Any]:
    box = _box_or_404(request, pk)
    if box.status != BoxStatus.CLOSED:
        raise ValidationError("测评结束后才能查看结果")
    audit = selectors.audit(box)
    return {
        "box_id": box.pk, "title": box.title, "closed_at": box.closed_at,
        "rule_text": rules.describe(box.rule),
        "audit": {"issued": audit.issued, "used": audit.used, "ballots": audit.ballots,
                  "counted": audit.counted, "void": audit.void,
                  "consistent": audit.consistent},
        "results": [{
            "candidate_id": r.candidate.pk, "label": r.candidate.label, "total": r.total,
            "overall": r.overall, "overall_label": r.overall_label,
            "grades": [{"grade": g, "label": Grade(g).label, "count": r.counts[g],
                        "share": r.shares[g]} for g in GRADE_ORDER],
        } for r in selectors.tally(box)],
    }
