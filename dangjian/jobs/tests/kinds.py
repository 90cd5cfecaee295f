"""Kinds used only by the tests (the worker under test imports them with --kinds)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.db import transaction

from dangjian.jobs.models import Job
from dangjian.jobs.registry import JobFailed, Progress, job_kind
from dangjian.notify.models import Notification


@job_kind("test.refuse", label="测试：拒绝")
def refuse(job: Job, progress: Progress) -> dict[str, Any]:
    raise JobFailed("所选年度尚未发布指标体系，无法生成")


@job_kind("test.crash", label="测试：出错")
def crash(job: Job, progress: Progress) -> dict[str, Any]:
    raise ValueError("a bug")


@job_kind("test.flaky", label="测试：偶发错误", retry=True)
def flaky(job: Job, progress: Progress) -> dict[str, Any]:
    """Fails on its first run, succeeds on the next (a retry)."""
    marker = Path(job.params["dir"]) / f"flaky-{job.pk}"
    if not marker.exists():
        marker.write_text("1")
        raise ConnectionError("temporary")
    return {"attempts": 2}


@job_kind("test.count", label="测试：计数")
def count(job: Job, progress: Progress) -> dict[str, Any]:
    """Appends a line per run; slow enough for a second submission to arrive meanwhile."""
    with (Path(job.params["dir"]) / "runs").open("a") as f:
        f.write(f"{job.pk}\n")
    for i in range(5):
        progress.update(stage="计数", done=i + 1, total=5)
        time.sleep(0.2)
    return {"n": 5}


@job_kind("test.slow_write", label="测试：长事务", retry=False)
def slow_write(job: Job, progress: Progress) -> dict[str, Any]:
    """Writes rows in one long transaction, reporting progress from inside it."""
    user_id = job.owner_id
    n = int(job.params.get("n", 20))
    progress.update(stage="准备", done=0, total=n)
    time.sleep(float(job.params.get("prepare", 0)))
    with transaction.atomic():
        for i in range(n):
            Notification.objects.create(recipient_id=user_id, key=f"slow:{job.pk}:{i}",
                                        title=f"第{i}条")
            progress.update(stage="写入", done=i + 1, total=n)
            time.sleep(float(job.params.get("pause", 0.2)))
    return {"written": n}


@job_kind("test.flaky_write", label="测试：可重跑的长事务", retry=True)
def flaky_write(job: Job, progress: Progress) -> dict[str, Any]:
    return slow_write(job, progress)
