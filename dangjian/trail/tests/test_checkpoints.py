"""Signed checkpoints: taken daily by the worker (once a day, a first one for every chain),
signed under the current key and still verified under a former one, written to the witness in
order by processes at once, refused inside a caller's transaction, append-only."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from dangjian.jobs.models import Job, JobState
from dangjian.jobs.services import daily_submit
from dangjian.jobs.testing import run_jobs, start_worker, stop_worker, wait_for
from dangjian.trail.checkpoints import checkpoint_take, trusted_checkpoints
from dangjian.trail.jobs import DAILY_CHECKPOINTS
from dangjian.trail.models import Checkpoint
from dangjian.trail.services import trail_append
from dangjian.trail.verification import verify_everything
from dangjian.trail.witness import witness_append, witness_read

pytestmark = pytest.mark.req("R0.7")


def _append(chain: str, n: int = 1) -> None:
    for i in range(n):
        trail_append(chain=chain, actor=None, action="create", subject_type="x",
                     subject_id=i, subject_label=f"对象{i}")


def _daily(day: dt.date) -> list[Job]:
    jobs = [j for j in daily_submit(day=day) if j.kind == DAILY_CHECKPOINTS]
    run_jobs()
    return jobs


def test_the_daily_job_takes_a_first_checkpoint_then_only_what_changed(db: None) -> None:
    _append("a", 3)
    _append("b", 2)
    today = timezone.localdate()
    [job] = _daily(today)
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result["count"] == 2
    assert sorted(Checkpoint.objects.values_list("chain", "seq")) == [("a", 3), ("b", 2)]
    # A second worker (or a second tick) the same day submits nothing.
    assert _daily(today) == []
    # The next day only the chain that grew is checkpointed again.
    _append("b")
    [job] = _daily(today + dt.timedelta(days=1))
    job.refresh_from_db()
    assert (job.result["count"], job.result["unchanged"]) == (1, 1)
    assert Checkpoint.objects.filter(chain="b").latest("id").seq == 3
    assert len(witness_read().lines) == 3
    assert verify_everything().ok


def test_a_retried_daily_job_takes_nothing_twice(db: None) -> None:
    _append("a", 2)
    [job] = _daily(timezone.localdate())
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)  # as a retry would
    run_jobs()
    assert Checkpoint.objects.count() == 1
    job.refresh_from_db()
    assert (job.result["count"], job.result["unchanged"]) == (0, 1)


def test_a_rotated_key_still_verifies_what_the_former_key_signed(db: None,
                                                                 settings: Any) -> None:
    _append("a", 2)
    settings.TRAIL_CHECKPOINT_KEY = "key-of-last-year"
    checkpoint_take(chain="a")
    settings.TRAIL_CHECKPOINT_KEY = "key-of-this-year"
    settings.TRAIL_CHECKPOINT_KEY_FALLBACKS = ["key-of-last-year"]
    assert verify_everything().ok
    assert trusted_checkpoints().marks == {"a": {2: Checkpoint.objects.get().digest}}
    settings.TRAIL_CHECKPOINT_KEY_FALLBACKS = []
    problems = {p.problem for p in trusted_checkpoints().problems}
    assert "检查点签名不符（不是本系统所签，或被改动），不予采信" in problems
    assert "签名不符（此行被改动或伪造）" in problems


def test_processes_appending_at_once_keep_the_witness_in_order(settings: Any,
                                                               tmp_path: Path) -> None:
    at = timezone.now()

    def write(k: int) -> None:
        for i in range(25):
            witness_append(checkpoint_id=k * 100 + i, chain=f"c{k}", seq=i, digest="0" * 64,
                           taken_at=at, signature="s")

    threads = [threading.Thread(target=write, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    read = witness_read()
    assert read.problems == []
    assert [line.n for line in read.lines] == list(range(1, 151))


@pytest.mark.django_db(transaction=True)
def test_a_checkpoint_inside_a_callers_transaction_is_refused() -> None:
    """Its witness line would outlive the row if the caller rolled back (a false deletion)."""
    _append("a")
    with pytest.raises(RuntimeError), transaction.atomic():
        checkpoint_take(chain="a")
    assert not Checkpoint.objects.exists() and witness_read().lines == []


def test_checkpoint_rows_stay_append_only(db: None) -> None:
    _append("a")
    cp = checkpoint_take(chain="a")
    with pytest.raises(DatabaseError), transaction.atomic():
        Checkpoint.objects.filter(pk=cp.pk).update(seq=0)


@pytest.mark.real_clock  # the workers keep the real clock
@pytest.mark.django_db(transaction=True)
def test_two_real_workers_take_the_days_checkpoints_once(
        settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`dangjian worker` (what `serve --worker` starts) submits the daily checkpoint by
    itself: with two workers, one job, one checkpoint per chain, each in the witness."""
    _append("a", 3)
    _append("b", 1)
    monkeypatch.setenv("TRAIL_CHECKPOINT_KEY", settings.TRAIL_CHECKPOINT_KEY)
    monkeypatch.setenv("TRAIL_WITNESS_PATH", str(settings.TRAIL_WITNESS_PATH))
    workers = [start_worker(tmp_path, name=f"worker{i}") for i in range(2)]
    try:
        job = wait_for(lambda: Job.objects.filter(kind=DAILY_CHECKPOINTS,
                                                  state=JobState.DONE).first(), seconds=120)
    finally:
        for proc in workers:
            stop_worker(proc)
    assert Job.objects.filter(kind=DAILY_CHECKPOINTS).count() == 1
    assert job.result["count"] == 2
    assert sorted(Checkpoint.objects.values_list("chain", "seq")) == [("a", 3), ("b", 1)]
    assert len(witness_read().lines) == 2 and verify_everything().ok
