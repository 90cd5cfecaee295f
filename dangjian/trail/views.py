from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dangjian.org.scope import Perm, has_perm, is_county_wide, require_perm
from dangjian.trail import selectors
from dangjian.trail.changes import ACTION_LABELS
from dangjian.trail.display import entries_shown
from dangjian.trail.jobs import checkpoints_submit, recent_jobs, verify_submit
from dangjian.trail.services import chain_names


def change_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.TRACE_VIEW)
    q = request.GET.get("q", "").strip()
    qs = selectors.change_list(
        user=request.user, subject_type=request.GET.get("type", ""),
        subject_id=request.GET.get("id", ""), query=q,
    ).select_related(None)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "trail/change_list.html", {
        "page": page, "rows": entries_shown(page), "q": q, "labels": ACTION_LABELS,
        "can_verify": has_perm(request.user, Perm.SUPERVISION_VIEW)
        and is_county_wide(request.user, Perm.TRACE_VIEW),
    })


def verify_view(request: HttpRequest) -> HttpResponse:
    """The complete check and a checkpoint of every chain, as background jobs (县纪委 and
    county-wide supervisors); the page lists the user's own runs."""
    require_perm(request.user, Perm.SUPERVISION_VIEW)
    if not is_county_wide(request.user, Perm.TRACE_VIEW):
        raise PermissionDenied("仅全县范围的监督人员可以校验留痕链")
    if request.method == "POST":
        if request.POST.get("action") == "checkpoints":
            job = checkpoints_submit(actor=request.user, note="统一检查点")
        else:
            job = verify_submit(actor=request.user, files=bool(request.POST.get("files")))
        return redirect(job.get_absolute_url())
    return render(request, "trail/verify.html", {"chains": chain_names(),
                                                 "recent": recent_jobs(request.user)})
