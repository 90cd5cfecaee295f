"""The Excel import as a background job: the page stores the upload and answers at once; the
worker reads, checks and writes the file (all rows or none) and the job page shows how far it
got, then the result or the row-by-row problems."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.utils import timezone

from dangjian.jobs.models import Job
from dangjian.jobs.registry import JobFailed, Progress, job_kind
from dangjian.org.excel import SPECS, export_bytes, import_workbook, problems_bytes
from dangjian.org.excel.exporting import export_count, export_filter
from dangjian.org.scope import Perm, require_perm

PROBLEMS_KEPT = 500  # on the page; the .xlsx has them all
STAGES = {"读取": "正在读取文件", "校验": "正在逐行校验", "写入": "正在写入"}


@job_kind("org.import", label="Excel导入", retry=True, result_template="org/_import_result.html")
def import_file(job: Job, progress: Progress) -> dict[str, Any]:
    """Retry-safe: import_workbook writes in one transaction, so a run that died wrote nothing."""
    spec = SPECS.get(str(job.params.get("kind")))
    if spec is None:
        raise JobFailed("没有这种导入内容")
    actor = job.owner
    try:  # the right may have been withdrawn since the file was uploaded
        require_perm(actor, Perm.ORG_EDIT)
        if spec.kind == "bodies":
            require_perm(actor, Perm.ORG_STRUCTURE)
    except PermissionDenied as exc:
        raise JobFailed(f"{exc}，未导入任何数据") from exc
    if not job.upload:
        raise JobFailed("上传的文件已不存在，请重新上传")

    def told(stage: str, done: int, total: int) -> None:
        label = STAGES.get(stage, stage)
        if stage == "校验" and total:
            label = f"{label}（已读取{total}行）"
        progress.update(stage=label, done=done, total=total)

    with job.upload.open("rb") as upload:
        result = import_workbook(actor=actor, spec=spec, upload=upload, size=job.upload.size,
                                 progress=told)
    if result.ok:
        return {"ok": True, "kind": spec.kind, "title": spec.title, "created": result.created}
    found = [(p.row, p.column, p.message) for p in result.problems]
    job.save_output(f"导入问题-{spec.title}.xlsx", problems_bytes(found))
    return {"ok": False, "kind": spec.kind, "title": spec.title, "count": len(found),
            "problems": [list(p) for p in found[:PROBLEMS_KEPT]]}


@job_kind("org.export", label="Excel导出", retry=True, result_template="org/_export_result.html")
def export_file(job: Job, progress: Progress) -> dict[str, Any]:
    """A large export (more rows than the page writes at once): the same rows, filters and
    masking as the page's download, as its owner may see them now; the file is the job's
    output. Retry-safe: it only reads."""
    spec = SPECS.get(str(job.params.get("kind")))
    if spec is None:
        raise JobFailed("没有这种导出内容")
    actor = job.owner
    try:
        require_perm(actor, Perm.ORG_VIEW)
        filters = export_filter(actor, spec.kind, QueryDict(str(job.params.get("query", ""))))
    except (PermissionDenied, Http404) as exc:
        raise JobFailed(f"{exc}，未导出") from exc
    total = export_count(user=actor, kind=spec.kind, filters=filters)
    progress.update(stage="正在导出", done=0, total=total)
    data = export_bytes(user=actor, kind=spec.kind, filters=filters,
                        told=lambda n: progress.update(done=n))
    progress.update(stage="正在保存文件", done=total, total=total)
    today = timezone.localdate()
    job.save_output(f"{spec.export_name}-{today:%Y-%m-%d}.xlsx", data)
    return {"kind": spec.kind, "title": spec.title, "rows": total}
