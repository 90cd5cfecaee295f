"""随机抽查 pages (县纪委): commit a seed, draw, publish the data, record each result."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dangjian.core.http import AuthedRequest
from dangjian.core.years import selected_year
from dangjian.org.models import Body
from dangjian.org.scope import Perm, is_county_wide, require, scope_filter
from dangjian.responsibility import services
from dangjian.responsibility.models import SpotCheck, SpotCheckTarget, TargetResult
from dangjian.responsibility.services.common import covers
from dangjian.responsibility.services.spotcheck import STRATA, published, spotcheck_reproduce
from dangjian.responsibility.views.common import parse_date, show_errors


def _require_county_reader(request: AuthedRequest) -> None:
    if not is_county_wide(request.user, Perm.RESP_VIEW):
        raise PermissionDenied("仅全县范围的监督人员可以查看抽查")


def spotcheck_list(request: AuthedRequest) -> HttpResponse:
    _require_county_reader(request)
    year = selected_year(request)
    checks = scope_filter(request.user, Perm.RESP_VIEW, SpotCheck.objects.filter(year=year))
    return render(request, "responsibility/spotcheck_list.html", {
        "checks": checks, "year": year, "strata": STRATA,
        "can_check": is_county_wide(request.user, Perm.RESP_SPOT_CHECK),
    })


@require_POST
def spotcheck_commit_view(request: AuthedRequest) -> HttpResponse:
    if not is_county_wide(request.user, Perm.RESP_SPOT_CHECK):
        raise PermissionDenied("只有县纪委可以组织随机抽查")
    strata = {key: request.POST.get(f"n_{key}", "") for key in STRATA}
    try:
        check = services.spotcheck_commit(
            actor=request.user, year=selected_year(request),
            title=request.POST.get("title", ""), strata=strata,
            seed=request.POST.get("seed", ""))
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect("responsibility:spotcheck_list")
    messages.success(request, "已生成并公布种子承诺，可在公布后抽取")
    return redirect("responsibility:spotcheck_detail", pk=check.pk)


def _check(request: AuthedRequest, pk: int) -> SpotCheck:
    check = get_object_or_404(SpotCheck, pk=pk)
    require(request.user, Perm.RESP_VIEW, check)
    return check


def spotcheck_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    check = _check(request, pk)
    targets = list(check.targets.select_related("body", "plan"))
    names = dict(Body.objects.filter(pk__in=[i for ids in check.population.values()
                                             for i in ids]).values_list("pk", "name"))
    seed_ok, draw_ok = spotcheck_reproduce(check)
    return render(request, "responsibility/spotcheck_detail.html", {
        "check": check, "targets": targets, "names": names, "seed_ok": seed_ok,
        "draw_ok": draw_ok, "strata": STRATA, "Result": TargetResult,
        "can_check": is_county_wide(request.user, Perm.RESP_SPOT_CHECK),
    })


def spotcheck_data(request: AuthedRequest, pk: int) -> JsonResponse:
    check = _check(request, pk)
    return JsonResponse(published(check), json_dumps_params={"ensure_ascii": False})


@require_POST
def spotcheck_draw_view(request: AuthedRequest, pk: int) -> HttpResponse:
    check = _check(request, pk)
    if not is_county_wide(request.user, Perm.RESP_SPOT_CHECK):
        raise PermissionDenied("只有县纪委可以抽取")
    try:
        services.spotcheck_draw(actor=request.user, check=check)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "已抽取并公开种子")
    return redirect("responsibility:spotcheck_detail", pk=check.pk)


@require_POST
def target_record_view(request: AuthedRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(SpotCheckTarget.objects.select_related("body"), pk=pk)
    if not covers(request.user, Perm.RESP_SPOT_CHECK, target.body):
        raise PermissionDenied("只有县纪委可以记录抽查结果")
    problems = request.POST.get("problems", "").splitlines()
    try:
        services.target_record(actor=request.user, target=target,
                               findings=request.POST.get("findings", ""), problems=problems,
                               deadline=parse_date(request.POST.get("deadline")))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"已记录“{target.body.name}”的检查结果")
    return redirect("responsibility:spotcheck_detail", pk=target.spot_check_id)
