"""The job engine against a real `dangjian worker` process and the real test database."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from pathlib import Path

import pytest
from django.db import connections

import dangjian.jobs.tests.kinds  # noqa: F401  (the test kinds, also loaded by the worker)
from dangjian.jobs.execution import UNEXPECTED
from dangjian.jobs.models import DailyRun, Job, JobState
from dangjian.jobs.services import INTERRUPTED, daily_submit, job_submit
from dangjian.jobs.testing import wait_for
from dangjian.notify.models import Notification

pytestmark = pytest.mark.real_clock  # a worker or server process keeps the real clock


def _ended(job: Job) -> Job | None:
    job.refresh_from_db()
    return job if job.finished_state else None


def test_a_job_runs_and_its_page_shows_the_result(worker, users, client) -> None:
    owner, _ = users
    worker()
    job = job_submit(actor=owner, kind="test.count", params={"dir": str(Path.cwd())},
                     key="once")
    wait_for(lambda: _ended(job))
    assert job.state == JobState.DONE and job.result == {"n": 5} and job.attempts == 1
    assert job.started and job.finished and job.done == 5 and job.total == 5
    client.force_login(owner)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "已完成" in page and "hx-get" not in page  # a finished job stops polling
    assert job.label in client.get("/jobs/").content.decode()
    (Path.cwd() / "runs").unlink(missing_ok=True)


def test_a_failing_job_says_why_in_chinese(worker, users, client) -> None:
    owner, _ = users
    refused = job_submit(actor=owner, kind="test.refuse")
    crashed = job_submit(actor=owner, kind="test.crash")
    worker()
    wait_for(lambda: _ended(refused) and _ended(crashed))
    assert refused.state == JobState.FAILED
    assert refused.error == "所选年度尚未发布指标体系，无法生成"
    assert crashed.state == JobState.FAILED and crashed.error == UNEXPECTED
    assert crashed.attempts == 1  # not retried: the kind did not say it is safe
    client.force_login(owner)
    page = client.get(f"/jobs/{refused.pk}/progress/").content.decode()
    assert "失败" in page and "所选年度尚未发布指标体系，无法生成" in page


def test_an_error_in_a_retry_safe_kind_is_retried(worker, users, home) -> None:
    owner, _ = users
    worker()
    job = job_submit(actor=owner, kind="test.flaky", params={"dir": str(home)})
    wait_for(lambda: _ended(job))
    assert job.state == JobState.DONE and job.attempts == 2


def test_a_double_submission_runs_once(worker, users, home) -> None:
    owner, other = users
    params = {"dir": str(home)}
    first = job_submit(actor=owner, kind="test.count", params=params, key="k")
    # Two more at the same moment from two connections (a double click on two servers).
    found: list[Job] = []

    def submit() -> None:
        try:
            found.append(job_submit(actor=owner, kind="test.count", params=params, key="k"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {j.pk for j in found} == {first.pk}
    theirs = job_submit(actor=other, kind="test.count", params=params, key="k")
    assert theirs.pk != first.pk  # another user's job is their own
    worker()
    wait_for(lambda: _ended(first) and _ended(theirs))
    assert Job.objects.filter(kind="test.count").count() == 2
    assert sorted((home / "runs").read_text().split()) == sorted([str(first.pk),
                                                                  str(theirs.pk)])
    again = job_submit(actor=owner, kind="test.count", params=params, key="k")
    assert again.pk != first.pk  # once ended, the same request may be made again


def test_progress_is_visible_while_a_job_runs(worker, users, client) -> None:
    """Progress is committed as the job goes. Inside the job's own transaction it is written
    on PostgreSQL; SQLite has one writer at a time, so there it shows up between transactions
    (and never makes the job wait)."""
    owner, _ = users
    job = job_submit(actor=owner, kind="test.slow_write",
                     params={"n": 10, "pause": 0.3, "prepare": 1.0})
    worker()
    client.force_login(owner)
    seen: set[str] = set()

    def progress_seen() -> bool:
        page = client.get(f"/jobs/{job.pk}/progress/").content.decode()
        seen.add(page)
        return "已完成" in page

    wait_for(progress_seen, every=0.1)
    assert any("进行中" in p and "hx-get" in p for p in seen)
    assert any("准备" in p and "0</span> / <span data-testid=\"job-total\">10" in p
               for p in seen)
    if connections["default"].vendor == "postgresql":
        assert any("写入" in p and "进行中" in p for p in seen)
    job.refresh_from_db()
    assert job.result == {"written": 10}
    assert Notification.objects.filter(key__startswith=f"slow:{job.pk}:").count() == 10


def test_another_user_cannot_see_a_job(worker, users, client) -> None:
    owner, other = users
    job = job_submit(actor=owner, kind="test.refuse")
    client.force_login(other)
    for path in ("", "progress/", "output/"):
        assert client.get(f"/jobs/{job.pk}/{path}").status_code == 404
    assert job.label not in client.get("/jobs/").content.decode()


@pytest.mark.parametrize("retry", [True, False], ids=["retry-safe", "not-retry-safe"])
def test_a_killed_worker_leaves_nothing_half_written(worker, users, retry) -> None:
    """SIGKILL in the middle of a job's transaction: nothing of it is kept; the next worker
    runs it again (retry-safe kind) or marks it failed with a reason."""
    owner, _ = users
    kind = "test.slow_write" if not retry else "test.flaky_write"
    job = job_submit(actor=owner, kind=kind, params={"n": 40, "pause": 0.1})
    first = worker()
    wait_for(lambda: Notification.objects.filter(key__startswith="slow:").count() == 0
             and Job.objects.filter(pk=job.pk, state=JobState.RUNNING).exists())
    wait_for(lambda: first.poll() is None and _running_some_time(job))
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert Notification.objects.filter(key__startswith=f"slow:{job.pk}:").count() == 0
    worker()
    wait_for(lambda: _ended(job))
    written = Notification.objects.filter(key__startswith=f"slow:{job.pk}:").count()
    if retry:
        assert job.state == JobState.DONE and job.attempts == 2 and written == 40
    else:
        assert job.state == JobState.FAILED and job.error == INTERRUPTED and written == 0


def _running_some_time(job: Job) -> bool:
    import time

    time.sleep(1.0)  # well inside the 4-second transaction
    job.refresh_from_db()
    return job.state == JobState.RUNNING


@pytest.mark.req("R0.10")
def test_the_daily_kinds_are_submitted_once_a_day(worker) -> None:
    first = [j for j in daily_submit() if j.kind == "notify.reminders"]
    assert len(first) == 1
    assert daily_submit() == []  # a second worker, or the next tick, submits nothing
    worker()
    worker()  # two workers: still one job for the day
    job = first[0]
    wait_for(lambda: _ended(job))
    assert job.state == JobState.DONE and job.result == {"sent": 0}
    assert DailyRun.objects.filter(name="notify.reminders").count() == 1 and Job.objects.filter(
        kind="notify.reminders").count() == 1


def test_a_job_queued_long_says_the_worker_may_be_down(users, client) -> None:
    owner, _ = users
    job = job_submit(actor=owner, kind="test.refuse")
    client.force_login(owner)
    assert "后台任务处理进程可能没有运行" not in client.get(job.get_absolute_url()).content.decode()
    Job.objects.filter(pk=job.pk).update(created=job.created - dt.timedelta(minutes=2))
    page = client.get(job.get_absolute_url()).content.decode()
    assert "排队中" in page and "后台任务处理进程可能没有运行" in page
