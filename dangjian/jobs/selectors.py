"""Reads of jobs. A job is its owner's alone: the scope gate for a job is its owner (a job
holds no place in the organisation tree), so another user gets 404, not a hint it exists."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from dangjian.jobs.models import Job


def jobs_of(user: Any) -> QuerySet[Job]:
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(owner=user)


def job_for(user: Any, pk: int) -> Job:
    job = jobs_of(user).filter(pk=pk).first()
    if job is None:
        raise Http404("没有这个任务")
    return job
