"""Working in batches in a real browser: the 工委 ticks reports in the queue, writes one opinion
and approves them after a confirmation (R2.4); the administrator opens accounts for a
department and gets the printable first-password slips (R0.4). Every page is photographed at
desk and phone size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from dangjian.duty_review.models import DutyReport, ReportStatus
from dangjian.duty_review.services import report_transition
from dangjian.duty_review.testing import assignment_of, fill, published_plan
from dangjian.org.models import Person
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
    left = int(page.locator("input[name=pk]").first.get_attribute("value") or 0)
    statuses = {r.pk: DutyReport.objects.get(pk=r.pk).status for r in reports}
    assert sorted(statuses.values()) == ["approved"] * 6 + ["work_committee"]
    assert statuses[left] == "work_committee"  # the one left unticked is still in the queue
    expect(page.locator("input[name=pk]")).to_have_count(1)
    ctx.close()


@pytest.mark.browser
@pytest.mark.req("R0.4", "R0.1")
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
    # The organisation filter: typing finds bodies in scope, with their parents shown.
    ctx = chromium.new_context(**DESK)
    page = ctx.new_page()
    _login(page, base, "t_wc_admin")
    page.goto(f"{base}/org/posts/")
    page.get_by_role("searchbox", name="组织机构").fill("财政局")
    names = page.locator(".picker-options .picker-option strong")
    expect(names.first).to_contain_text("财政局")  # the search's answer, not the first listing
    shown = [t.strip() for t in names.all_inner_texts()]
    assert shown and all("财政局" in n for n in shown), shown
    page.screenshot(path=str(artifacts / "batch-posts-filter-1366.png"), full_page=True)
    ctx.close()

    for label, options, unit in (("1366", DESK, dept.unit), ("390", PHONE, county.depts[0].unit)):
        waiting = Person.objects.filter(unit=unit, account__isnull=True).count()
        ctx = chromium.new_context(**options)
        page = ctx.new_page()
        page.set_default_timeout(15_000)
        _login(page, base, "t_wc_admin")
        page.goto(f"{base}/accounts/users/bulk/?body={unit.pk}")
        page.on("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="开通账号").click()
        expect(page.locator(".slip")).to_have_count(waiting)
        page.screenshot(path=str(artifacts / f"batch-handout-{label}.png"), full_page=True)
        page.emulate_media(media="print")  # the shared print stylesheet: no chrome
        expect(page.locator("header.topbar")).to_be_hidden()
        expect(page.locator(".toolbar").first).to_be_hidden()
        expect(page.locator(".print-title")).to_be_visible()
        pdf = page.pdf(format="A4")  # what the printer gets: no menu, slips whole
        assert pdf.startswith(b"%PDF")
        (artifacts / f"batch-handout-{label}.pdf").write_bytes(pdf)
        ctx.close()


@pytest.mark.browser
@pytest.mark.req("R1.5", "R0.6")
def test_the_drafted_report_its_guard_and_a_photo_preview(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    from dangjian.assessment.models import Judgement
    from dangjian.assessment.testing import assessed_year
    from dangjian.evidence.tests.test_thumbs import _photo
    from dangjian.responsibility.services import record_add
    from dangjian.responsibility.testing import matrix_objects

    county = build_county()
    year = assessed_year(county, send_other=False)
    Judgement.objects.filter(assessment=year["assessment_other"], person__isnull=True).delete()
    item = matrix_objects(county)["ritem_own"]
    record = record_add(actor=county.user("org_secretary"), item=item, summary="主题党日",
                        occurred_on=timezone.localdate(), progress=60,
                        files=[("活动照片.jpg", _photo())], check_scope=False)
    base = live_server.url
    other = year["assessment_other"].pk
    _shots(chromium, base, "t_wc_admin", "/assessment/report/", "batch-report", artifacts)
    _shots(chromium, base, "t_wc_admin", f"/assessment/{other}/feedback/?redraft=1",
           "batch-feedback", artifacts)
    _shots(chromium, base, "t_org_secretary", f"/responsibility/records/{record.pk}/",
           "batch-record-photo", artifacts)
    ctx = chromium.new_context(**DESK)
    page = ctx.new_page()
    _login(page, base, "t_wc_admin")
    page.goto(f"{base}/assessment/report/")
    expect(page.locator("#report-pending")).to_contain_text("尚有1个单位未研判")
    expect(page.locator("#report-issue")).to_be_disabled()
    ctx.close()
    ctx = chromium.new_context(**PHONE)
    page = ctx.new_page()
    _login(page, base, "t_org_secretary")
    page.goto(f"{base}/responsibility/records/{record.pk}/")
    page.locator("a.thumb-link").first.click()
    expect(page.locator(".lightbox:target img")).to_be_visible()
    page.screenshot(path=str(artifacts / "batch-record-preview-390.png"))
    ctx.close()
