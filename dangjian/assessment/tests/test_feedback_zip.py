"""R1.4: every department's feedback letter in one .zip, made by a real worker process."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from dangjian.assessment.testing import assessed_year
from dangjian.jobs.models import Job, JobState
from dangjian.jobs.testing import start_worker, stop_worker, wait_for
from dangjian.testing import build_county


@pytest.mark.req("R1.4")
def test_all_feedback_letters_in_one_zip(transactional_db: None, tmp_path: Any, settings: Any,
                                         client: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"  # the worker's DANGJIAN_HOME/files
    county = build_county()
    year = assessed_year(county)
    client.force_login(county.user("wc_admin"))
    home = client.get(reverse("assessment:home")).content.decode()
    assert reverse("assessment:feedback_zip") in home
    response = client.post(reverse("assessment:feedback_zip"))
    assert response.status_code == 302
    again = client.post(reverse("assessment:feedback_zip"))  # a double click: the same job
    job = Job.objects.get()
    assert response.url == again.url == job.get_absolute_url()
    worker = start_worker(tmp_path)
    try:
        wait_for(lambda: Job.objects.filter(pk=job.pk, state=JobState.DONE).exists(),
                 seconds=120)
    finally:
        stop_worker(worker)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "已完成" in page and reverse("jobs:output", args=[job.pk]) in page
    download = client.get(reverse("jobs:output", args=[job.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    units = [year["assessment_own"].unit.name, year["assessment_other"].unit.name]
    names = archive.namelist()
    assert len(names) == 2 and all(any(u in n for n in names) for u in units)
    text = "\n".join(p.text for p in Document(io.BytesIO(archive.read(names[0]))).paragraphs)
    assert "理论学习不够深入" in text
    # Only its owner gets it.
    client.force_login(county.user("county"))
    assert client.get(reverse("jobs:output", args=[job.pk])).status_code == 404
