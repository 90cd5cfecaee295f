"""Test support: named jobs for the scope matrix, and a real worker process on the test
database (it must see what the test committed: use it with `transactional_db`)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from dangjian.jobs.models import Job, JobState

READY = "后台任务处理进程已启动"


def matrix_objects(county: Any) -> dict[str, Any]:
    """A finished job with an output file, owned by the 工委 administrator."""
    job = Job.objects.create(owner=county.user("wc_admin"), kind="notify.reminders",
                             label="矩阵任务", key="matrix", state=JobState.DONE,
                             result={"sent": 0}, finished=timezone.now())
    job.output.save("matrix.txt", ContentFile(b"ok"), save=False)
    job.output_name = "结果.txt"
    job.save()
    return {"job_own": job}


def run_jobs() -> int:
    """Run every queued job here, one after another, as the worker would (for tests whose data
    lives in the test's own transaction, where no other process can see it)."""
    from dangjian.jobs.execution import execute

    ran = 0
    while (job := Job.objects.filter(state=JobState.QUEUED).order_by("pk").first()) is not None:
        execute(job.pk)
        ran += 1
    return ran


def database_url() -> str:
    """The test database as a DATABASE_URL for a child process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env(home: Path) -> dict[str, str]:
    """MEDIA_ROOT is DANGJIAN_HOME/files in the child: the test's MEDIA_ROOT must be the same."""
    env = {k: v for k, v in os.environ.items() if k not in {"PORT", "WORKERS"}}
    return {**env, "DATABASE_URL": database_url(), "DANGJIAN_HOME": str(home),
            "LOG_LEVEL": "WARNING"}


def start_worker(home: Path, *extra: str, name: str = "worker") -> subprocess.Popen[bytes]:
    with (home / f"{name}.stderr").open("ab") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dangjian.runner", "worker", "--interval", "0.1",
             "--tick", "0.5", *extra],
            env=worker_env(home), stdout=subprocess.PIPE, stderr=stderr)
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    line = proc.stdout.readline().decode() if ready else ""
    if READY not in line:
        proc.kill()
        raise AssertionError(f"worker did not start: {line!r}\n"
                             + (home / f"{name}.stderr").read_text())
    return proc


def stop_worker(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for(check: Callable[[], Any], seconds: float = 60, every: float = 0.05) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not within {seconds} s")
