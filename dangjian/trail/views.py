from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangjian.org.scope import Perm, has_perm, is_county_wide, require_perm
from dangjian.trail import selectors
from dangjian.trail.changes import ACTION_LABELS
from dangjian.trail.services import chain_names
from dangjian.trail.verification import verify_everything


def change_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.TRACE_VIEW)
    q = request.GET.get("q", "").strip()
    qs = selectors.change_list(
        user=request.user, subject_type=request.GET.get("type", ""),
        subject_id=request.GET.get("id", ""), query=q,
    ).select_related(None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "trail/change_list.html", {
        "page": page, "q": q, "labels": ACTION_LABELS,
        "can_verify": has_perm(request.user, Perm.SUPERVISION_VIEW)
        and is_county_wide(request.user, Perm.TRACE_VIEW),
    })


def verify_view(request: HttpRequest) -> HttpResponse:
    """Recompute every chain (县纪委 and county-wide supervisors)."""
    require_perm(request.user, Perm.SUPERVISION_VIEW)
    if not is_county_wide(request.user, Perm.TRACE_VIEW):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("仅全县范围的监督人员可以校验留痕链")
    report = verify_everything(files=bool(request.POST.get("files"))) \
        if request.method == "POST" else None
    return render(request, "trail/verify.html", {"report": report, "chains": chain_names()})
