"""Never keep wrong or doubled data, in a real browser: Back then 提交 on a 纪实 form stores
one record; a meeting's particulars are corrected before it opens; each remark carries its
nature and the organiser confirms the rectification items; a case records why it skips a step.
Screenshots of each form at 1366x768 and 390x844."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from dangjian.cycles.services import year_ensure
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import meeting_create, remark_add
from dangjian.duty_review.testing import assignment_of, close, published_plan
from dangjian.responsibility.models import CaseStep, DutyRecord, LedgerItem, ListStatus
from dangjian.responsibility.services import list_start, list_transition
from dangjian.testing import PASSWORD, build_county

SIZES = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def _login(page: Any, base: str, username: str, path: str) -> None:
    page.goto(f"{base}{path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def _shots(chromium: Any, base: str, username: str, path: str, name: str, artifacts: Path,
           before: Any = None) -> None:
    shots = artifacts / "screenshots"
    shots.mkdir(exist_ok=True)
    for size, viewport in SIZES.items():
        page = chromium.new_page(viewport=viewport, locale="zh-CN")
        page.set_default_timeout(15_000)
        _login(page, base, username, path)
        if before is not None:
            before(page)
        page.screenshot(path=str(shots / f"integrity-{name}-{size}.png"), full_page=True)
        page.close()


@pytest.mark.browser
@pytest.mark.req("R3.3", "R3.5")
def test_back_then_submit_stores_one_record_and_a_case_skips_only_with_a_reason(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    county = build_county()
    year = year_ensure(year=timezone.localdate().year, make_current=True)
    dept = county.depts[0]
    rl = list_start(actor=county.user("lg_secretary"), year=year, body=dept.committee)
    LedgerItem.objects.filter(rlist=rl).update(responsible=dept.people[1])
    list_transition(actor=county.user("lg_secretary"), rlist=rl, to=ListStatus.SUBMITTED)
    item = rl.items.order_by("order")[0]
    base = live_server.url
    page = chromium.new_page(viewport=SIZES["desktop"], locale="zh-CN")
    page.set_default_timeout(15_000)
    _login(page, base, "t_org_secretary", f"/responsibility/items/{item.pk}/")
    form = page.locator("#record-form")
    form.locator("textarea[name=summary]").fill("召开主题党日")
    form.locator("input[name=progress]").fill("30")
    form.get_by_role("button", name="提交纪实").click()
    expect(page.locator(".messages")).to_contain_text("已记录履责纪实")
    first = page.url
    page.go_back()
    page.locator("#record-form").get_by_role("button", name="提交纪实").click()
    expect(page.locator(".messages")).to_contain_text("该表单已经提交过，没有重复保存")
    assert page.url == first and DutyRecord.objects.count() == 1
    page.close()

    # The case form: 约谈 as the first step only with a reason.
    path = f"/responsibility/orgs/{dept.committee.pk}/"
    page = chromium.new_page(viewport=SIZES["desktop"], locale="zh-CN")
    page.set_default_timeout(15_000)
    _login(page, base, "t_discipline", path)
    page.fill("#id_problem", "纪实不及时")
    page.select_option("#id_stage", "talk")
    page.fill("#id_by_whom", "县纪委")
    page.fill("#id_whom", "书记")
    page.fill("#id_content", "约谈指出纪实不及时")
    page.get_by_role("button", name="记录提醒约谈").click()
    expect(page.locator(".messages")).to_contain_text("请填写越级处理的理由")
    assert CaseStep.objects.count() == 0
    _shots(chromium, base, "t_discipline", path, "case-open", artifacts)
    page.fill("#id_problem", "纪实不及时")
    page.select_option("#id_stage", "talk")
    page.fill("#id_by_whom", "县纪委")
    page.fill("#id_whom", "书记")
    page.fill("#id_content", "约谈指出纪实不及时")
    page.fill("#id_skip_reason", "问题严重，直接约谈")
    page.get_by_role("button", name="记录提醒约谈").click()
    expect(page.locator("#case-stage")).to_have_text("约谈")
    expect(page.locator("main")).to_contain_text("问题严重，直接约谈")
    case_path = page.url.removeprefix(base)
    page.close()
    _shots(chromium, base, "t_discipline", case_path, "case-ladder", artifacts)


@pytest.mark.browser
@pytest.mark.req("R2.5", "R2.6", "R2.8")
def test_meeting_edit_remark_nature_and_confirmed_items(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    county = build_county()
    plan = published_plan()
    meeting = meeting_create(actor=None, plan=plan, upper_body=county.root,
                             tier=Tier.LEADERSHIP, held_on=plan.year.ends, check_scope=False)
    base = live_server.url
    path = f"/duty-review/meetings/{meeting.pk}/"
    page = chromium.new_page(viewport=SIZES["desktop"], locale="zh-CN")
    page.set_default_timeout(15_000)
    _login(page, base, "t_county", path)
    expect(page.locator("#unapproved")).to_contain_text("名述职人的报告尚未审定")
    page.locator("#meeting-edit summary").click()
    page.fill("#id_place", "县委三楼会议室")
    page.locator("#meeting-edit").get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存评议会信息")
    expect(page.locator("main")).to_contain_text("县委三楼会议室")
    page.close()
    _shots(chromium, base, "t_county", path, "meeting-edit", artifacts,
           before=lambda p: p.locator("#meeting-edit summary").click())

    lead = assignment_of(plan, county.depts[0].people[0], Tier.LEADERSHIP)
    for kind, finding, text, answer in (
            ("comment", "praise", "党建工作成效明显", ""),
            ("question", "question", "去年整改事项完成情况如何？", "已全部完成"),
            ("comment", "problem", "支部活动形式单一", "")):
        remark_add(actor=None, meeting=meeting, assignment=lead, kind=kind, finding=finding,
                   speaker="县委书记", text=text, answer=answer, check_scope=False)
    close(meeting)
    _shots(chromium, base, "t_county", path, "meeting-remarks", artifacts)
    rectify = f"/duty-review/meetings/{meeting.pk}/rectify/"
    _shots(chromium, base, "t_county", rectify, "rectify-confirm", artifacts)
    page = chromium.new_page(viewport=SIZES["phone"], locale="zh-CN")
    page.set_default_timeout(15_000)
    _login(page, base, "t_county", rectify)
    expect(page.locator("#rectify-form")).to_contain_text("支部活动形式单一")
    expect(page.locator("#rectify-form")).not_to_contain_text("党建工作成效明显")
    page.get_by_role("button", name="按勾选的事项生成整改方案").click()
    expect(page.locator(".messages")).to_contain_text("已为1名述职人生成整改方案")
