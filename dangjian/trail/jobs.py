"""The trail's background jobs: the complete check (`verify_everything`) and a checkpoint of
every chain, submitted from the trail verify page and the 纪实校验 page, so no request waits
on a county's million entries. Imported by the trail AppConfig's ready()."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dangjian.jobs.models import Job
from dangjian.jobs.registry import Progress, job_kind
from dangjian.jobs.selectors import jobs_of
from dangjian.jobs.services import job_submit
from dangjian.trail.services import chain_names, checkpoint_take
from dangjian.trail.verification import verify_everything

VERIFY = "trail.verify"
CHECKPOINTS = "trail.checkpoints"


@job_kind(VERIFY, label="留痕校验", retry=True, result_template="trail/_verify_job.html")
def verify_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Reads only: safe to run again after a crash."""
    def tell(stage: str, done: int, total: int) -> None:
        progress.update(stage=stage, done=done, total=total)

    return verify_everything(files=bool(job.params.get("files")), progress=tell).as_dict()


@job_kind(CHECKPOINTS, label="保存检查点", retry=True, atomic=True,
          result_template="trail/_checkpoints_job.html")
def checkpoints_job(job: Job, progress: Progress) -> dict[str, Any]:
    """Every chain's head, all in one transaction (a job killed mid-way saves none)."""
    names = chain_names()
    note = str(job.params.get("note") or "统一检查点")
    taken = []
    with transaction.atomic():
        for n, chain in enumerate(names, 1):
            cp = checkpoint_take(chain=chain, actor=job.owner, note=note)
            taken.append({"chain": cp.chain, "seq": cp.seq, "code": cp.code})
            progress.update(stage="保存检查点", done=n, total=len(names))
    return {"count": len(taken), "note": note, "checkpoints": taken}


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
