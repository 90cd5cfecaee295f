"""The trail's background jobs: the complete check (`verify_everything`), a checkpoint of
every chain submitted from the trail verify page and the 纪实校验 page, so no request waits
on a county's million entries, and the daily checkpoint the worker submits by itself.
Imported by the trail AppConfig's ready()."""

from __future__ import annotations

from typing import Any

from dangjian.jobs.models import Job
from dangjian.jobs.registry import Progress, job_kind
from dangjian.jobs.selectors import jobs_of
from dangjian.jobs.services import job_submit
from dangjian.trail.checkpoints import Taken, checkpoints_run
from dangjian.trail.services import chain_names
from dangjian.trail.verification import verify_everything

VERIFY = "trail.verify"
CHECKPOINTS = "trail.checkpoints"
DAILY_CHECKPOINTS = "trail.daily_checkpoints"
DAILY_NOTE = "每日检查点"


@job_kind(VERIFY, label="留痕校验", retry=True, result_template="trail/_verify_job.html")
def verify_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Reads only: safe to run again after a crash."""
    def tell(stage: str, done: int, total: int) -> None:
        progress.update(stage=stage, done=done, total=total)

    return verify_everything(files=bool(job.params.get("files")), progress=tell).as_dict()


def _result(taken: Taken, note: str) -> dict[str, Any]:
    return {"count": len(taken.checkpoints), "unchanged": taken.unchanged, "note": note,
            "checkpoints": [{"chain": cp.chain, "seq": cp.seq, "code": cp.code}
                            for cp in taken.checkpoints]}


def _tell(progress: Progress) -> Any:
    def tell(done: int, total: int) -> None:
        progress.update(stage="保存检查点", done=done, total=total)

    return tell


@job_kind(CHECKPOINTS, label="保存检查点", retry=True,
          result_template="trail/_checkpoints_job.html")
def checkpoints_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Every chain's head, each checkpoint committed with its witness line (a run killed
    mid-way keeps those it took; a retry takes the rest again)."""
    note = str(job.params.get("note") or "统一检查点")
    taken = checkpoints_run(chains=chain_names(), actor=job.owner, note=note,
                            only_changed=False, progress=_tell(progress))
    return _result(taken, note)


@job_kind(DAILY_CHECKPOINTS, label="每日留痕检查点", retry=True, daily=True,
          result_template="trail/_checkpoints_job.html")
def daily_checkpoints_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Submitted once a day by the worker (jobs.DailyRun keeps it to one, however many
    workers run). Only chains that grew since their newest signed checkpoint, and every chain
    not checkpointed yet: a run again the same day (a retry) takes nothing twice."""
    taken = checkpoints_run(chains=chain_names(), actor=None, note=DAILY_NOTE,
                            only_changed=True, progress=_tell(progress))
    return _result(taken, DAILY_NOTE)


def recent_jobs(user: Any, n: int = 10) -> list[Job]:
    """The user's own verifications and checkpoint runs, newest first (who asked is the
    owner; when, the job's times)."""
    return list(jobs_of(user).filter(kind__in=[VERIFY, CHECKPOINTS])[:n])


def verify_submit(*, actor: Any, files: bool) -> Job:
    """Queue the complete check; the same one still queued or running is returned."""
    return job_submit(actor=actor, kind=VERIFY, params={"files": files},
                      key=f"{VERIFY}:{'files' if files else 'entries'}")


def checkpoints_submit(*, actor: Any, note: str) -> Job:
    return job_submit(actor=actor, kind=CHECKPOINTS, params={"note": note}, key=CHECKPOINTS)
