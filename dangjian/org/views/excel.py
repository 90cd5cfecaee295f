"""Excel import, import templates and exports of bodies, people and posts (R0.8)."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from dangjian.jobs.services import job_submit
from dangjian.org.excel import (
    SPECS,
    SheetSpec,
    export_bytes,
    template_bytes,
    xlsx_response,
)
from dangjian.org.excel.columns import MAX_BYTES, MAX_ROWS
from dangjian.org.excel.exporting import export_count, export_filter
from dangjian.org.excel.reading import bomb_problem
from dangjian.org.scope import Perm, has_perm, require_perm

_TRUE = {"1", "on", "true", "yes"}


def _spec_or_404(kind: str) -> SheetSpec:
    spec = SPECS.get(kind)
    if spec is None:
        raise Http404("没有这种导入导出内容")
    return spec


def _kinds(request: HttpRequest) -> list[SheetSpec]:
    """What this user may import: bodies only with the right to change the structure."""
    allowed = [SPECS["people"], SPECS["posts"]]
    if has_perm(request.user, Perm.ORG_STRUCTURE):
        allowed.insert(0, SPECS["bodies"])
    return allowed


@require_safe
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    require_perm(request.user, Perm.ORG_EDIT)
    spec = _spec_or_404(kind)
    return xlsx_response(template_bytes(spec), f"{spec.title}导入模板.xlsx",
                         f"{spec.kind}-template.xlsx")


EXPORT_INLINE_MAX = 2000  # rows; a larger export is written by the worker (org.export)


@require_safe
def export_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Up to EXPORT_INLINE_MAX rows: the file at once. More: a background job, and the user is
    sent to its page, which offers the file when it is written."""
    require_perm(request.user, Perm.ORG_VIEW)
    spec = _spec_or_404(kind)
    filters = export_filter(request.user, spec.kind, request.GET)
    if export_count(user=request.user, kind=spec.kind, filters=filters) > EXPORT_INLINE_MAX:
        query = request.GET.urlencode()
        job = job_submit(actor=request.user, kind="org.export",
                         params={"kind": spec.kind, "query": query},
                         key=f"{spec.kind}:{hashlib.sha256(query.encode()).hexdigest()[:32]}",
                         label=f"Excel导出{spec.title}")
        return redirect(job.get_absolute_url())
    data = export_bytes(user=request.user, kind=spec.kind, filters=filters)
    today = timezone.localdate()
    return xlsx_response(data, f"{spec.export_name}-{today:%Y-%m-%d}.xlsx",
                         f"{spec.kind}-{today:%Y-%m-%d}.xlsx")


def _digest(upload: UploadedFile) -> str:
    h = hashlib.sha256()
    for chunk in upload.chunks():
        h.update(chunk)
    upload.seek(0)
    return h.hexdigest()[:32]


def _file_problem(upload: UploadedFile) -> str:
    """A zip bomb is refused at once, before it is stored or a job is queued."""
    try:
        return bomb_problem(upload, upload.size or 0)
    finally:
        upload.seek(0)


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """The upload is stored and imported by the worker: the page answers at once and sends the
    user to the job's page (progress, then the result or the row-by-row problems)."""
    require_perm(request.user, Perm.ORG_EDIT)
    kinds = _kinds(request)
    context: dict[str, object] = {
        "kinds": kinds, "selected": request.GET.get("kind") or kinds[0].kind,
        "max_mb": MAX_BYTES // 1024 // 1024, "max_rows": MAX_ROWS,
    }
    if request.method == "POST":
        kind = request.POST.get("kind", "").strip()
        upload = request.FILES.get("file")
        context["selected"] = kind
        if not kind:
            context["form_error"] = "请选择要导入的内容"
        else:
            spec = _spec_or_404(kind)
            if spec.kind == "bodies":
                require_perm(request.user, Perm.ORG_STRUCTURE)
            if upload is None:
                context["form_error"] = "请选择要导入的Excel（.xlsx）文件"
            elif problem := _file_problem(upload):
                context["form_error"] = problem
            else:
                # The same file for the same kind, still waiting or running: that job again.
                job = job_submit(actor=request.user, kind="org.import",
                                 params={"kind": spec.kind},
                                 key=f"{spec.kind}:{_digest(upload)}", upload=upload,
                                 label=f"Excel导入{spec.title}：{upload.name}")
                return redirect(job.get_absolute_url())
    status = 400 if "form_error" in context else 200
    return render(request, "org/import.html", context, status=status)
