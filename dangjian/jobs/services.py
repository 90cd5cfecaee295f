"""Submitting jobs, and the worker's housekeeping: recovering jobs whose worker died, and the
daily kinds."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dangjian.jobs import liveness
from dangjian.jobs.execution import discard_upload, enqueue, requeue
from dangjian.jobs.models import DailyRun, Job, JobState
from dangjian.jobs.registry import daily_kinds, find_kind, get_kind

logger = logging.getLogger("dangjian.jobs")

#: A running job whose heartbeat is older than this, on a worker that cannot be asked
#: directly (another host), is taken for dead.
STALE_AFTER = dt.timedelta(minutes=2)
INTERRUPTED = "任务执行中断（处理进程意外退出），本次未保存任何结果，请重新提交"


def _default_key(params: dict[str, Any]) -> str:
    text = json.dumps(params, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _active(owner: Any, kind: str, key: str) -> Job | None:
    return Job.objects.filter(owner=owner, kind=kind, key=key,
                              state__in=[JobState.QUEUED, JobState.RUNNING]).first()


def job_submit(*, actor: Any, kind: str, params: dict[str, Any] | None = None,
               key: str | None = None, upload: UploadedFile | None = None,
               label: str | None = None) -> Job:
    """Queue a job for the worker. The same (owner, kind, key) still queued or running is
    returned instead of a second one (a double click runs once). `upload` is stored under
    MEDIA_ROOT for the worker; `key` defaults to a digest of the params."""
    spec = get_kind(kind)
    params = dict(params or {})
    key = (key if key is not None else _default_key(params))[:200]
    owner = actor if getattr(actor, "is_authenticated", False) else None
    existing = _active(owner, kind, key)
    if existing is not None:
        return existing
    job = Job(owner=owner, kind=kind, label=(label or spec.label)[:200], params=params, key=key)
    if upload is not None:
        suffix = PurePath(upload.name or "").suffix.lower()[:10]
        job.upload_name = (upload.name or "")[:200]
        job.upload.save(f"{secrets.token_hex(16)}{suffix}", upload, save=False)
    try:
        with transaction.atomic():
            job.save()
            enqueue(job.pk)  # the queue's row commits with the job, or neither does
    except IntegrityError:
        if job.upload:
            job.upload.delete(save=False)
        existing = _active(owner, kind, key)
        if existing is None:
            raise
        return existing
    return job


def jobs_recover(*, now: dt.datetime | None = None) -> int:
    """Jobs left running by a worker that died (killed, machine restarted): run again if the
    kind says that is safe, else failed with a reason. Returns how many were recovered."""
    now = now or timezone.now()
    recovered = 0
    for job in Job.objects.filter(state=JobState.RUNNING).only(
            "pk", "kind", "worker", "heartbeat", "attempts", "task_id", "upload"):
        running = liveness.alive(job.worker)
        stale = job.heartbeat is None or job.heartbeat < now - STALE_AFTER
        if running or (running is None and not stale):
            continue
        kind = find_kind(job.kind)
        _abandon_task(job)
        if kind is not None and kind.retry and job.attempts < kind.max_attempts:
            done = requeue(job, worker=job.worker)
        else:
            done = bool(Job.objects.filter(
                pk=job.pk, state=JobState.RUNNING, worker=job.worker).update(
                state=JobState.FAILED, error=INTERRUPTED, finished=now))
            if done:
                discard_upload(job)
        if done:
            logger.warning("recovered job %s (%s) from worker %s", job.pk, job.kind, job.worker)
            recovered += 1
    return recovered


def _abandon_task(job: Job) -> None:
    """The queue's own row for a dead worker's task stays "running"; close it."""
    from django_tasks_db.models import DBTaskResult

    if job.task_id:
        DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
            status="FAILED", finished_at=timezone.now(),
            exception_class_path="dangjian.jobs.WorkerLost", traceback=INTERRUPTED)


def daily_submit(*, day: dt.date | None = None) -> list[Job]:
    """Submit each daily kind once for the day; a second worker (or a second call) finds the
    day's row taken and submits nothing."""
    day = day or timezone.localdate()
    submitted = []
    for kind in daily_kinds():
        if DailyRun.objects.filter(name=kind.name, day=day).exists():
            continue
        try:
            with transaction.atomic():
                job = Job.objects.create(kind=kind.name, label=f"{kind.label}（{day:%Y-%m-%d}）",
                                         params={"day": day.isoformat()},
                                         key=f"{kind.name}:{day.isoformat()}")
                DailyRun.objects.create(name=kind.name, day=day, job=job)
                enqueue(job.pk)
        except IntegrityError:
            continue
        submitted.append(job)
    return submitted
