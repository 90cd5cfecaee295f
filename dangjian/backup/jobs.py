"""The daily backup as a background job (BACKUP_DAILY=1): the worker submits it once a day;
it writes an archive to BACKUP_DIR and keeps the newest BACKUP_KEEP there."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from dangjian.backup.manifest import BackupError
from dangjian.backup.paths import backup_dir
from dangjian.jobs.models import Job
from dangjian.jobs.registry import JobFailed, Progress, job_kind

KIND = "backup.daily"


def backup_daily(job: Job, progress: Progress) -> dict[str, Any]:
    from dangjian.backup.services import backup_create, backup_prune

    progress.update(stage="备份数据库与文件")
    directory = backup_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        result = backup_create(output=directory)
    except BackupError as exc:
        raise JobFailed(f"备份失败：{exc}") from exc
    deleted = backup_prune(keep=settings.BACKUP_KEEP, directory=directory)
    if result.problems:
        raise JobFailed(f"备份已写出（{result.path.name}），但{len(result.problems)}个佐证文件"
                        f"缺失或与摘要不符，如：{result.problems[0]}")
    m = result.manifest
    return {"archive": result.path.name, "tables": len(m["tables"]),
            "rows": sum(m["tables"].values()), "evidence": len(m["evidence"]),
            "deleted": [p.name for p in deleted]}


def register() -> None:
    job_kind(KIND, label="每日备份", retry=True, daily=True)(backup_daily)
