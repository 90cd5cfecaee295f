"""The owner's pages of a job: its progress (polled by htmx), the list, the output file."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from dangjian.jobs.models import Job
from dangjian.jobs.registry import find_kind
from dangjian.jobs.selectors import job_for, jobs_of


def _context(job: Job) -> dict[str, object]:
    kind = find_kind(job.kind)
    return {"job": job, "result": job.result or {},
            "result_template": kind.result_template if kind else None}


@require_safe
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for(request.user, pk)
    return render(request, "jobs/detail.html", _context(job))


@require_safe
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for(request.user, pk)
    response = render(request, "jobs/_progress.html", _context(job))
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(jobs_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page": page})


@require_safe
def job_output(request: HttpRequest, pk: int) -> FileResponse:
    job = job_for(request.user, pk)
    if not job.output:
        raise Http404("该任务没有结果文件")
    try:
        handle = job.output.open("rb")
    except FileNotFoundError:
        raise Http404("结果文件已不存在") from None
    return FileResponse(handle, as_attachment=True, filename=job.output_name or "结果")
