"""纪实校验 (县纪委, 工委): recompute every organisation's chain, name the first record that does
not match, take and export checkpoints, check a checkpoint printed on a report."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dangjian.core.http import AuthedRequest
from dangjian.documents.xlsx import XLSX_TYPE, dated, download, workbook_bytes
from dangjian.org.models import Body
from dangjian.org.scope import Perm, is_county_wide
from dangjian.responsibility.models import DutyRecord, chain_for
from dangjian.responsibility.services.verify import latest_checkpoints
from dangjian.trail.jobs import checkpoints_submit, recent_jobs, verify_submit
from dangjian.trail.models import Checkpoint
from dangjian.trail.services import checkpoint_check

CODE = re.compile(
    r"^\s*(?P<chain>duty:\d{1,18})#(?P<seq>\d{1,18}):(?P<digest>[0-9a-fA-F]{64})\s*$")
CODE_FORMAT = "检查点格式应为 duty:组织编号#序号:64位摘要"
COUNTY_NOTE = "县级统一检查点"


def _require(request: AuthedRequest) -> None:
    if not is_county_wide(request.user, Perm.RESP_OVERSEE):
        raise PermissionDenied("仅县纪委、县直机关工委可以校验纪实留痕")


def bodies_with_records() -> list[Body]:
    ids = DutyRecord.objects.order_by().values("body_id").distinct()
    return list(Body.objects.filter(pk__in=ids).order_by("path"))


def chains(request: AuthedRequest) -> HttpResponse:
    _require(request)
    bodies = bodies_with_records()
    match = None
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "verify":  # the complete check, in the background
        job = verify_submit(actor=request.user, files=bool(request.POST.get("files")))
        return redirect(job.get_absolute_url())
    if action == "checkpoint":  # every chain's head, in the background
        job = checkpoints_submit(actor=request.user, note=COUNTY_NOTE)
        return redirect(job.get_absolute_url())
    if action == "check":
        found = CODE.match(request.POST.get("code", ""))
        if found is None:
            messages.error(request, CODE_FORMAT)
        else:
            match = checkpoint_check(chain=found["chain"], seq=int(found["seq"]),
                                     digest=found["digest"])
    marks = latest_checkpoints(bodies)
    return render(request, "responsibility/chains.html", {
        "rows": [(b, marks.get(b.pk)) for b in bodies], "match": match,
        "recent": recent_jobs(request.user),
    })


def checkpoints_xlsx(request: AuthedRequest) -> HttpResponse:
    _require(request)
    return checkpoints_xlsx_response()


def checkpoints_xlsx_response() -> HttpResponse:
    names = {chain_for(b.pk): b.name for b in bodies_with_records()}
    rows = [(names.get(cp.chain, ""), cp.chain, cp.seq, cp.digest, cp.code,
             timezone.localtime(cp.taken_at).strftime("%Y-%m-%d %H:%M:%S"), cp.taken_by, cp.note)
            for cp in Checkpoint.objects.filter(chain__in=list(names)).order_by("chain", "id")]
    data = workbook_bytes([("检查点", ["组织", "链", "序号", "SM3摘要", "检查点编码", "时间",
                                       "操作人", "说明"], rows)])
    return download(data, dated("纪实留痕检查点", "xlsx"), XLSX_TYPE)
