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
    ExportFilter,
    SheetSpec,
    export_bytes,
    template_bytes,
    xlsx_response,
)
from dangjian.org.excel.columns import MAX_BYTES, MAX_ROWS
from dangjian.org.excel.reading import bomb_problem
from dangjian.org.filters import BodyFilter, PersonFilter, PostFilter, body_in_scope
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


def _filters(request: HttpRequest, spec: SheetSpec) -> ExportFilter:
    """The list page's own filters, as its page reads them: one ListFilter per list, the
    page's and the API's definition. A body outside the user's scope is a 404."""
    get = request.GET
    if spec.kind == "people":
        people = PersonFilter.from_query(get)
        return ExportFilter(q=people.q, body=body_in_scope(request.user, people.body),
                            status=people.political_status or "",
                            include_ended=people.include_left)
    if spec.kind == "posts":
        posts = PostFilter.from_query(get)
        return ExportFilter(body=body_in_scope(request.user, posts.body), kind=posts.kind or "",
                            include_ended=not posts.current, on=posts.on)
    found = BodyFilter.from_query(get)
    return ExportFilter(q=found.q, body=body_in_scope(request.user, found.body),
                        kind=found.kind or "", include_ended=found.include_ended)


@require_safe
def export_view(request: HttpRequest, kind: str) -> HttpResponse:
    require_perm(request.user, Perm.ORG_VIEW)
    spec = _spec_or_404(kind)
    data = export_bytes(user=request.user, kind=spec.kind, filters=_filters(request, spec))
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
