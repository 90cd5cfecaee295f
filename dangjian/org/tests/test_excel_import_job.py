"""R0.8 through the task queue: a real `dangjian worker` imports the file the page stored, the
job page shows rows read, checked and written, and a worker killed mid-import leaves all the
rows or none."""

from __future__ import annotations

import datetime as dt
import os
import signal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.jobs.models import Job, JobState
from dangjian.jobs.testing import start_worker, stop_worker, wait_for
from dangjian.org.models import Person, Role
from dangjian.org.tests.test_excel_import import PEOPLE_HEADERS, person_row, xlsx
from dangjian.testing import build_county

pytestmark = pytest.mark.real_clock  # a worker or server process keeps the real clock

UNIT, BRANCH = "县教育局", "县教育局第1党支部"


def people(n: int, prefix: str = "批量") -> bytes:
    from dangjian.org.idcard import make_id_number

    rows = []
    for i in range(n):
        birth = dt.date(1970 + i // 900, 1 + i % 12, 1 + i % 28)
        rows.append(person_row(f"{prefix}{i}", UNIT, BRANCH,
                               make_id_number("110101", birth, 100 + i % 900)))
    return xlsx(PEOPLE_HEADERS, rows)


@pytest.fixture
def setup(transactional_db: None, tmp_path: Any, settings: Any, client: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "files"  # the worker's DANGJIAN_HOME/files
    county = build_county()
    client.force_login(county.user(Role.WORK_COMMITTEE_ADMIN))
    procs = []

    def worker() -> Any:
        proc = start_worker(tmp_path, name=f"worker{len(procs)}")
        procs.append(proc)
        return proc

    yield county, client, worker
    for proc in procs:
        stop_worker(proc)


def _upload(client: Any, data: bytes) -> Job:
    response = client.post(reverse("org:import"), {
        "kind": "people", "file": SimpleUploadedFile("人员.xlsx", data)})
    assert response.status_code == 302  # the page answers at once
    job = Job.objects.get()
    assert response.url == job.get_absolute_url() and job.state == JobState.QUEUED
    return job


@pytest.mark.req("R0.8")
def test_import_progress_is_shown_then_the_result(setup) -> None:
    _, client, worker = setup
    before = Person.objects.count()
    # Big enough to be seen at work: the job writes its progress at most twice a second.
    job = _upload(client, people(4000))
    page = client.get(job.get_absolute_url()).content.decode()
    assert "排队中" in page and "hx-get" in page  # the page polls; a reload shows the same
    worker()
    pages: list[str] = []

    def finished() -> bool:
        pages.append(client.get(reverse("jobs:progress", args=[job.pk])).content.decode())
        return "hx-get" not in pages[-1]

    wait_for(finished, seconds=300, every=0.05)
    running = [p for p in pages if "进行中" in p]
    assert any("已读取4000行" in p or "正在写入" in p for p in running), running[:3]
    assert "已导入4000条人员记录" in pages[-1]
    assert Person.objects.count() == before + 4000
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.result["created"] == 4000
    assert not job.upload or not os.path.exists(job.upload.path)  # the upload is not kept


@pytest.mark.req("R0.8")
def test_import_problems_are_listed_row_by_row(setup) -> None:
    _, client, worker = setup
    before = Person.objects.count()
    job = _upload(client, xlsx(PEOPLE_HEADERS, [
        person_row("好人", UNIT, BRANCH), person_row("单位错", BRANCH, BRANCH)]))
    worker()
    wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.DONE).exists(), seconds=120)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "未导入任何数据：发现1处问题" in page
    assert "<td>3</td><td>所在单位</td><td>所在单位应为部门（单位）</td>" in page
    assert reverse("jobs:output", args=[job.pk]) in page
    assert Person.objects.count() == before


@pytest.mark.req("R0.8")
def test_a_worker_killed_mid_import_leaves_all_rows_or_none(setup) -> None:
    county, client, worker = setup
    before = Person.objects.count()
    n = 8000  # long enough to be killed while writing (the import writes ~2,000 rows/s)
    job = _upload(client, people(n, prefix="中断"))
    first = worker()
    wait_for(lambda: Job.objects.filter(pk=job.pk, stage="正在写入").exists()
             or Job.objects.filter(pk=job.pk, state=JobState.DONE).exists(), seconds=300)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    at_kill = Person.objects.count()
    assert at_kill in (before, before + n)  # never a part of the file
    worker()  # the next worker finds the job's worker dead and runs it again (retry-safe)
    wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.DONE).exists(), seconds=300)
    job.refresh_from_db()
    assert Person.objects.count() == before + n
    assert job.result["created"] == n
    assert job.attempts == (2 if at_kill == before else 1)
    print(f"killed with {at_kill - before} of {n} rows written; attempts {job.attempts}")
    assert client.get(job.get_absolute_url()).status_code == 200
    other = county.user(Role.ORG_SECRETARY)
    client.force_login(other)
    assert client.get(job.get_absolute_url()).status_code == 404
