"""Running one job in the worker: claim it once, run its kind, keep its progress live, record
how it ended. The task function `run_job` is what the queue carries (the Job's id only)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from dangjian.jobs import liveness
from dangjian.jobs.models import Job, JobState
from dangjian.jobs.registry import JobFailed, Kind, find_kind
from dangjian.jobs.tasks_api import task

logger = logging.getLogger("dangjian.jobs")

UNEXPECTED = "任务执行出错，请联系管理员"
UNKNOWN_KIND = "系统中没有这种任务，无法执行"
FLUSH_EVERY = 0.5  # seconds between progress writes: at most two a second
HEARTBEAT_EVERY = 5.0
RETRY_DELAY = 2.0  # seconds, times the attempt number


class LiveProgress:
    """Progress written by a thread of its own (its own database connection), so that it is
    committed while the job's body is still working, and never waits on the body.

    SQLite allows one writer at a time: while the job's own thread is inside a transaction it
    holds the write lock, so the writer thread does not try (it would only wait); what was
    reported then is written as soon as the transaction ends. PostgreSQL writes throughout."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self._job_conn = connections["default"]
        self._sqlite = connection.vendor == "sqlite"
        self._lock = threading.Lock()
        self._pending: dict[str, Any] = {}
        self._stop = threading.Event()
        self._beat_at = 0.0
        self._stage = ""
        self._thread = threading.Thread(target=self._run, name=f"job-{job.pk}-progress",
                                        daemon=True)
        self._thread.start()

    def update(self, *, stage: str | None = None, done: int | None = None,
               total: int | None = None) -> None:
        with self._lock:
            new_stage = stage is not None and stage[:100] != self._stage
            if stage is not None:
                self._pending["stage"] = self._stage = stage[:100]
            if done is not None:
                self._pending["done"] = max(0, int(done))
            if total is not None:
                self._pending["total"] = max(0, int(total))
        if new_stage and self._sqlite and not self._blocked():
            # Between transactions on SQLite: the body's own connection may write right now,
            # so a new stage is seen even if a long transaction starts next.
            self._flush()

    def __call__(self, stage: str, done: int, total: int) -> None:
        """The (stage, done, total) callback form, as `import_workbook` calls it."""
        self.update(stage=stage, done=done, total=total)

    def _blocked(self) -> bool:
        return self._sqlite and self._job_conn.in_atomic_block

    def _run(self) -> None:
        try:
            while not self._stop.wait(FLUSH_EVERY):
                self._flush()
        finally:
            connections.close_all()

    def _flush(self) -> None:
        if self._blocked():
            return
        with self._lock:
            fields, self._pending = self._pending, {}
        beat = time.monotonic() - self._beat_at >= HEARTBEAT_EVERY
        if not fields and not beat:
            return
        try:
            Job.objects.filter(pk=self.job_id, state=JobState.RUNNING).update(
                heartbeat=timezone.now(), **fields)
            self._beat_at = time.monotonic()
        except DatabaseError:  # busy: keep what was reported for the next try
            logger.debug("progress of job %s not written yet", self.job_id, exc_info=True)
            with self._lock:
                self._pending = {**fields, **self._pending}

    def stop(self) -> dict[str, Any]:
        """Stop the writer thread; returns what it had not written yet."""
        self._stop.set()
        self._thread.join(timeout=5)
        with self._lock:
            left, self._pending = self._pending, {}
        return left


@task()
def run_job(job_id: int) -> None:
    """The queue's task: run the job once, whatever happens inside it."""
    execute(job_id)


def execute(job_id: int) -> None:
    me = liveness.identity()
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started=now, heartbeat=now, worker=me,
        attempts=F("attempts") + 1, error="")
    if not claimed:  # already run, being run, or ended by the recovery
        return
    job = Job.objects.get(pk=job_id)
    kind = find_kind(job.kind)
    if kind is None:
        _end(job, state=JobState.FAILED, error=UNKNOWN_KIND)
        return
    progress = LiveProgress(job)
    try:
        if kind.atomic:
            with transaction.atomic():
                result = kind.body(job, progress)
                _succeed(job, progress, result)
        else:
            result = kind.body(job, progress)
            _succeed(job, progress, result)
    except JobFailed as exc:
        _end(job, state=JobState.FAILED, error=exc.message, **progress.stop())
    except Exception:
        logger.exception("job %s (%s) failed, attempt %s", job.pk, job.kind, job.attempts)
        left = progress.stop()
        if kind.retry and job.attempts < kind.max_attempts:
            requeue(job, delay=RETRY_DELAY * job.attempts)
        else:
            _end(job, state=JobState.FAILED, error=UNEXPECTED, **left)
    finally:
        progress.stop()


def _succeed(job: Job, progress: LiveProgress, result: dict[str, Any] | None) -> None:
    left = progress.stop()
    _end(job, state=JobState.DONE, result=result or {}, output=job.output.name or "",
         output_name=job.output_name, **left)


def _end(job: Job, *, state: str, **fields: Any) -> None:
    ended = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, worker=job.worker).update(
        state=state, finished=timezone.now(), heartbeat=timezone.now(), **fields)
    if ended:
        discard_upload(job)


def discard_upload(job: Job) -> None:
    """An ended job's upload is not kept (it may hold personal data); a requeued one keeps it."""
    if job.upload:
        transaction.on_commit(lambda: job.upload.delete(save=False))


def requeue(job: Job, *, delay: float = 0.0, worker: str | None = None) -> bool:
    """Put a running job back in the queue (an error a retry may cure, or a dead worker)."""
    with transaction.atomic():
        moved = Job.objects.filter(pk=job.pk, state=JobState.RUNNING,
                                   worker=worker if worker is not None else job.worker).update(
            state=JobState.QUEUED, worker="", heartbeat=None)
        if moved:
            enqueue(job.pk, delay=delay)
    return bool(moved)


def enqueue(job_id: int, *, delay: float = 0.0) -> str:
    runner = run_job
    if delay:
        runner = run_job.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    result = runner.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))
    return str(result.id)


def kind_of(job: Job) -> Kind | None:
    return find_kind(job.kind)
