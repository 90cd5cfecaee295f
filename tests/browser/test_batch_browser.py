"""Working in batches in a real browser: the 工委 ticks reports in the queue, writes one opinion
and approves them after a confirmation (R2.4); the administrator opens accounts for a
department and gets the printable first-password slips (R0.4). Every page is photographed at
desk and phone size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dangjian.duty_review.models import DutyReport, ReportStatus
from dangjian.duty_review.services import report_transition
from dangjian.duty_review.testing import assignment_of, fill, published_plan
from dangjian.testing import PASSWORD, build_county

DESK = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "zh-CN"}


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _shots(chromium: Any, base: str, username: str, path: str, name: str,
           artifacts: Path) -> None:
    for label, options in (("1366", DESK), ("390", PHONE)):
        ctx = chromium.new_context(**options)
        page = ctx.new_page()
        _login(page, base, username)
        page.goto(f"{base}{path}")
        page.screenshot(path=str(artifacts / f"{name}-{label}.png"), full_page=True)
        if label == "390":
            width = page.evaluate("document.querySelector('main.content').scrollWidth")
            assert width <= 390, f"{path} is {width}px wide on a phone"
        ctx.close()


@pytest.mark.browser
@pytest.mark.req("R2.4")
def test_the_work_committee_approves_ticked_reports_in_one_go(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    county = build_county()
    plan = published_plan()
    people = county.depts[0].people[2:6] + county.depts[1].people[1:4]
    reports = []
    for person in people:
        report = assignment_of(plan, person).report
        fill(report)
        report = report_transition(actor=None, report=report, action="submit", check_scope=False)
        while report.status != ReportStatus.WORK_COMMITTEE:
            report = report_transition(actor=None, report=report, action="approve",
                                       opinion="通过", check_scope=False)
        reports.append(report)
    base = live_server.url
    _shots(chromium, base, "t_wc_admin", "/duty-review/queue/", "batch-review-queue", artifacts)

    ctx = chromium.new_context(**DESK)
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    _login(page, base, "t_wc_admin")
    page.goto(f"{base}/duty-review/queue/")
    rows = page.locator("input[name=pk]")
    expect(rows).to_have_count(7)
    page.locator("input[data-check-all]").check()
    expect(page.locator("[data-check-count=pk]")).to_have_text("7")
    rows.nth(6).uncheck()
    expect(page.locator("[data-check-count=pk]")).to_have_text("6")
    page.fill("#id_opinion", "同意，内容全面")
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", on_dialog)
    page.get_by_role("button", name="审核通过所选").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过6份")
    assert dialogs and "逐份审核通过" in dialogs[0]
    page.screenshot(path=str(artifacts / "batch-review-done-1366.png"), full_page=True)
    statuses = [DutyReport.objects.get(pk=r.pk).status for r in reports]
    assert statuses == ["approved"] * 6 + ["work_committee"]
    expect(page.locator("input[name=pk]")).to_have_count(1)
    ctx.close()


@pytest.mark.browser
@pytest.mark.req("R0.4")
def test_accounts_for_a_department_and_the_pages_changed_here(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    county = build_county()
    base = live_server.url
    dept = county.depts[1]
    _shots(chromium, base, "t_wc_admin", f"/accounts/users/bulk/?body={dept.unit.pk}",
           "batch-accounts", artifacts)
    _shots(chromium, base, "t_wc_admin", "/org/posts/", "batch-posts", artifacts)
    for label, options in (("1366", DESK), ("390", PHONE)):
        ctx = chromium.new_context(**options)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        _login(page, base, "t_wc_admin")
        page.goto(f"{base}/accounts/users/bulk/?body={dept.unit.pk}")
        if not page.locator("input[name=pk]").count():
            ctx.close()
            continue
        page.on("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="开通账号").click()
        expect(page.locator(".slip")).to_have_count(6)
        page.screenshot(path=str(artifacts / f"batch-handout-{label}.png"), full_page=True)
        pdf = page.pdf(format="A4")  # what the printer gets: no menu, slips whole
        assert pdf.startswith(b"%PDF")
        (artifacts / "batch-handout.pdf").write_bytes(pdf)
        ctx.close()
