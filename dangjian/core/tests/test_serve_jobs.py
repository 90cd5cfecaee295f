"""`dangjian serve --worker` (the demo): the server also runs one background job worker as its
child, on the same database; it runs jobs, is restarted when it dies, and stops with the server,
even when the server is killed outright."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dangjian.core.tests.servers import UNSET, children, cmdline, free_port, gone, reap, start
from dangjian.core.tests.servers import wait_until as until
from dangjian.jobs.models import Job, JobState
from dangjian.jobs.services import job_submit
from dangjian.jobs.testing import READY, database_url, wait_for

pytestmark = pytest.mark.real_clock  # a worker or server process keeps the real clock

STARTED = "县直机关党建工作系统已启动"


def _lines_until(proc: subprocess.Popen[bytes], *wanted: str, seconds: float = 60) -> str:
    """What the server and its worker printed, read until every one of `wanted` appeared."""
    assert proc.stdout is not None
    out = ""
    deadline = time.monotonic() + seconds
    while not all(w in out for w in wanted):
        ready, _, _ = select.select([proc.stdout], [], [], max(0, deadline - time.monotonic()))
        assert ready, f"not said within {seconds:g} s: {wanted}; said: {out!r}"
        out += proc.stdout.readline().decode()
    return out


def _job_worker(server: subprocess.Popen[bytes]) -> int | None:
    found = [p for p in children(server.pid) if "dangjian.runner worker" in cmdline(p)]
    return found[0] if len(found) == 1 else None


@pytest.fixture
def server(transactional_db: None, tmp_path: Path,
           settings: Any) -> Iterator[subprocess.Popen[bytes]]:
    settings.MEDIA_ROOT = tmp_path / "files"  # the worker's (DANGJIAN_HOME/files)
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update({"DANGJIAN_HOME": str(tmp_path), "DATABASE_URL": database_url()})
    proc = start(["--port", str(free_port()), "--threads", "2", "--worker"], env,
                 tmp_path / "stderr")
    _lines_until(proc, STARTED, READY)
    seen = children(proc.pid)
    yield proc
    reap(proc, seen)


def test_serve_worker_runs_jobs_and_stops_with_the_server(
        server: subprocess.Popen[bytes], django_user_model: Any) -> None:
    worker = _job_worker(server)
    assert worker is not None
    owner = django_user_model.objects.create_user(username="owner", password="x")
    job = job_submit(actor=owner, kind="notify.reminders", key="from-the-test")

    def ended() -> Job | None:
        job.refresh_from_db()
        return job if job.finished_state else None

    wait_for(ended)
    assert job.state == JobState.DONE
    server.terminate()
    assert server.wait(timeout=30) == 0
    assert gone(worker)


def test_a_dead_worker_is_restarted(server: subprocess.Popen[bytes], tmp_path: Path) -> None:
    first = _job_worker(server)
    assert first is not None
    os.kill(first, signal.SIGKILL)
    assert until(lambda: _job_worker(server) not in {None, first}, seconds=30)
    assert "后台任务进程意外退出（退出码 -9），1 秒后重启" in (tmp_path / "stderr").read_text()
    _lines_until(server, READY)  # the new one is ready
    second = _job_worker(server)
    server.send_signal(signal.SIGINT)  # Ctrl-C
    assert server.wait(timeout=30) == 0
    assert second is not None and gone(second)


def test_the_worker_stops_when_the_server_is_killed(server: subprocess.Popen[bytes]) -> None:
    worker = _job_worker(server)
    assert worker is not None
    server.kill()  # SIGKILL: the server cannot pass anything on
    server.wait()
    assert until(lambda: gone(worker), seconds=20)
