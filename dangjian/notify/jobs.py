"""The daily reminders as a background job: the worker submits it once a day."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dangjian.jobs.models import Job
from dangjian.jobs.registry import Progress, job_kind
from dangjian.notify.services import reminders_send


@job_kind("notify.reminders", label="待办到期提醒", retry=True, daily=True)
def send_reminders(job: Job, progress: Progress) -> dict[str, Any]:
    progress.update(stage="发送提醒")
    with transaction.atomic():  # each reminder is sent once (by key): safe to run again
        sent = reminders_send()
    return {"sent": sent}
