"""两个责任 in a real browser (R3.2, R3.3): a department drafts and hands in its 主体责任清单,
records a duty with a photo from a phone, and 县纪委 sees it county-wide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from dangjian.cycles.services import year_ensure
from dangjian.org.models import PostKind
from dangjian.org.services import post_assign
from dangjian.responsibility.models import DutyRecord, ListStatus, ResponsibilityList
from dangjian.testing import PASSWORD, START, TINY_PNG, build_county


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/responsibility/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.browser
@pytest.mark.req("R3.2", "R3.3")
def test_draft_hand_in_record_with_a_photo_and_the_commission_sees_it(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    county = build_county()
    year_ensure(year=timezone.localdate().year, make_current=True)
    dept = county.depts[0]
    secretary = dept.people[3]  # the 机关党委 secretary: default responsible person
    post_assign(actor=None, person=secretary, body=dept.committee, kind=PostKind.ORG_SECRETARY,
                start=START, check_scope=False)
    base = live_server.url
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(15_000)

    # The 党组书记 drafts the list from the policy's points and adds an own measure.
    _login(page, base, "t_lg_secretary")
    expect(page.locator("h1")).to_contain_text("责任清单落实情况")
    page.locator("#overview").get_by_role("link", name=dept.committee.name).click()
    page.get_by_role("button", name="按政策要点起草主体责任清单").click()
    expect(page.locator(".messages")).to_contain_text("已按政策要点起草责任清单")
    expect(page.locator("#ledger tbody")).to_contain_text("坚持把党的政治建设摆在首位")
    form = page.locator("#add-item")
    form.locator("textarea[name=content]").fill("开展“党建+教育”品牌创建")
    form.locator("textarea[name=targets]").fill("形成1个党建品牌")
    form.locator("textarea[name=measures]").fill("制定方案，季度推进，年底总结")
    form.locator("input[name=deadline]").fill(f"{timezone.localdate().year}-12-31")
    form.locator("select[name=responsible]").select_option(str(secretary.pk))
    form.get_by_role("button", name="添加").click()
    expect(page.locator("#ledger tbody")).to_contain_text("开展“党建+教育”品牌创建")
    page.screenshot(path=str(artifacts / "responsibility-list-draft.png"), full_page=True)
    page.get_by_role("button", name="报送审核").click()
    expect(page.locator("#list-status")).to_have_text("待审核")
    rlist = ResponsibilityList.objects.get(body=dept.committee)
    assert rlist.status == ListStatus.SUBMITTED and rlist.items.count() == 6

    # On a phone: record a duty against the own measure, with a photo.
    photo = tmp_path / "主题党日.png"
    photo.write_bytes(TINY_PNG)
    phone = chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN",
                              is_mobile=True, has_touch=True, device_scale_factor=2)
    phone.set_default_timeout(15_000)
    phone.context.add_cookies(page.context.cookies())
    item = rlist.items.get(content__startswith="开展")
    phone.goto(f"{base}/responsibility/items/{item.pk}/")
    phone.fill("#id_summary", "召开品牌创建推进会，研究部署创建方案")
    phone.fill("#id_progress", "40")
    phone.set_input_files("#id_files", str(photo))
    phone.screenshot(path=str(artifacts / "responsibility-record-phone.png"), full_page=True)
    phone.get_by_role("button", name="提交纪实").click()
    expect(phone.locator(".messages")).to_contain_text("已记录履责纪实")
    expect(phone.locator("#record-match")).to_contain_text("记录与留痕一致")
    expect(phone.locator(".evidence-panel")).to_contain_text("主题党日.png")
    assert phone.evaluate("document.querySelector('main.content').scrollWidth") <= 390
    record = DutyRecord.objects.get()
    assert record.progress == 40

    # 县纪委 sees the list and the record with its photo, and the chain verifies.
    jiwei = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    jiwei.set_default_timeout(15_000)
    _login(jiwei, base, "t_discipline")
    row = jiwei.locator("#overview tbody tr", has_text=dept.committee.name)
    expect(row).to_contain_text("待审核")
    expect(jiwei.locator("#overview")).to_contain_text(county.depts[1].committee.name)
    row.get_by_role("link", name="待审核").click()
    jiwei.get_by_role("link", name="开展“党建+教育”品牌创建").click()
    expect(jiwei.locator("#records")).to_contain_text("召开品牌创建推进会")
    expect(jiwei.locator("#records")).to_contain_text("主题党日.png")
    expect(jiwei.locator("#record-form")).to_have_count(0)  # reads, cannot write
    jiwei.screenshot(path=str(artifacts / "responsibility-commission-item.png"), full_page=True)
    # The check runs in the background: a real worker, the job page shows its result.
    from dangjian.jobs.testing import start_worker, stop_worker

    worker = start_worker(tmp_path)  # its MEDIA_ROOT (tmp_path/files) is the test's
    try:
        jiwei.goto(f"{base}/responsibility/chains/")
        jiwei.get_by_label("同时核对佐证文件").check()
        jiwei.get_by_role("button", name="开始校验").click()
        expect(jiwei.locator("#verify-results")).to_contain_text("全部校验通过")
        expect(jiwei.locator("#verify-results")).to_contain_text("已读取佐证文件")
        jiwei.screenshot(path=str(artifacts / "responsibility-chains.png"), full_page=True)
    finally:
        stop_worker(worker)
