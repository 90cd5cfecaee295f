"""An Excel import in a real browser with a real worker: the upload answers at once with the
job's page, which shows the import's progress and then its result (R0.8)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from dangjian.jobs.testing import start_worker, stop_worker
from dangjian.org.models import Person
from dangjian.org.tests.test_excel_import_job import people
from dangjian.testing import PASSWORD, build_county

ROWS = 8000  # several seconds of work, so the page (polling each second) sees it running


@pytest.mark.browser
@pytest.mark.req("R0.8")
def test_an_import_answers_at_once_then_shows_progress_and_result(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path, tmp_path: Path,
    settings: Any,
) -> None:
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "files"  # the worker's DANGJIAN_HOME/files
    build_county()
    before = Person.objects.count()
    upload = tmp_path / "人员导入.xlsx"
    upload.write_bytes(people(ROWS, prefix="浏览器"))
    worker = start_worker(tmp_path)
    try:
        page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/org/import/")
        page.fill("#id_username", "t_wc_admin")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("Excel导入")
        page.check("input[name=kind][value=people]")
        page.set_input_files("#import-file", str(upload))
        started = time.monotonic()
        page.get_by_role("button", name="检查并导入").click()
        expect(page.locator("[data-testid=job-state]")).to_be_visible()
        answered = time.monotonic() - started
        print(f"import page answered in {answered:.2f} s for {ROWS} rows")
        assert "/jobs/" in page.url
        expect(page.locator("[data-testid=job-state]")).to_have_text("进行中", timeout=60_000)
        page.screenshot(path=str(artifacts / "import-job-running.png"), full_page=True)
        page.reload()  # the progress survives a reload
        expect(page.locator("[data-testid=import-result]")).to_have_text(
            f"已导入{ROWS}条人员记录", timeout=300_000)
        expect(page.locator("[data-testid=job-state]")).to_have_text("已完成")
        page.screenshot(path=str(artifacts / "import-job-done.png"), full_page=True)
        assert Person.objects.count() == before + ROWS
        page.get_by_role("link", name="我的任务", exact=True).click()
        expect(page.locator("table.list")).to_contain_text("Excel导入人员：人员导入.xlsx")
    finally:
        stop_worker(worker)
