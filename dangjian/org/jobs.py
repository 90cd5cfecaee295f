"""The Excel import as a background job: the page stores the upload and answers at once; the
worker reads, checks and writes the file (all rows or none) and the job page shows how far it
got, then the result or the row-by-row problems."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from dangjian.jobs.models import Job
from dangjian.jobs.registry import JobFailed, Progress, job_kind
from dangjian.org.excel import SPECS, import_workbook, problems_bytes
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
