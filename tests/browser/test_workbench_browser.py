"""Every role's workbench in a real browser (R0.10): log in, open the workbench, follow the first
task's link, and land on a page where that person can act. Roles with no work see so.

The county is the tests' one (the demo's roles, each with the work the modules hand it):
a member's report sent back to him, a department's feedback sent and a rectification item
handed in for 验收, a 机关纪检's list handed in, the 县委's 述职评议会 arranged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from dangjian.assessment.testing import assessed_year
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import meeting_create, report_transition
from dangjian.duty_review.testing import assignment_of, fill, published_plan
from dangjian.org.models import Role
from dangjian.rectification.services import item_submit
from dangjian.responsibility.models import ListStatus
from dangjian.responsibility.services.lists import list_start, list_transition
from dangjian.testing import PASSWORD, build_county

DESK = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "zh-CN"}

# role -> what the first task's page must offer that person (an action control).
ACTS = {
    Role.MEMBER: "保存并报送",  # his report, sent back
    Role.ORG_SECRETARY: "保存并报送",  # his own report is due first; then the branch's queue
    Role.LEADING_GROUP_SECRETARY: None,
    Role.WORK_COMMITTEE_ADMIN: None,
    Role.COUNTY_COMMITTEE: None,
    Role.DISCIPLINE_COMMISSION: None,
    Role.DISCIPLINE_MEMBER: None,
}
IDLE = (Role.ORGANIZATION_DEPT, Role.CIVILIZATION_OFFICE, Role.AUDIT_ADMIN)
SHOTS = (Role.WORK_COMMITTEE_ADMIN, Role.LEADING_GROUP_SECRETARY, Role.MEMBER,
         Role.COUNTY_COMMITTEE)


def _work(county: Any) -> None:
    with transaction.atomic():
        plan = published_plan()
        member = county.user(Role.MEMBER)
        report = assignment_of(plan, member.person).report
        fill(report)
        report_transition(actor=member, report=report, action="submit")
        report_transition(actor=county.user(Role.ORG_SECRETARY), report=report,
                          action="return", opinion="请补充联系群众的具体事例")
        year = assessed_year(county)
        item = year["feedback_own"].plan.items.first()
        item_submit(actor=county.user(Role.LEADING_GROUP_SECRETARY), item=item,
                    note="已组织专题学习")
        rlist = list_start(actor=None, year=plan.year, body=county.depts[0].discipline,
                           check_scope=False)
        list_transition(actor=None, rlist=rlist, to=ListStatus.SUBMITTED, check_scope=False)
        meeting_create(actor=None, plan=plan, upper_body=county.root, tier=Tier.LEADERSHIP,
                       held_on=plan.year.ends - dt.timedelta(days=3), check_scope=False)


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.req("R0.10")
def test_each_role_follows_its_first_task_to_where_it_acts(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    county = build_county()
    _work(county)
    base = live_server.url
    shots = artifacts / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for role in [*ACTS, *IDLE]:
        user = county.user(role)
        for size, options in (("1366x768", DESK), ("390x844", PHONE)):
            if size == "390x844" and role not in SHOTS:
                continue
            ctx = chromium.new_context(**options)
            page = ctx.new_page()
            page.set_default_timeout(15_000)
            _login(page, base, user.username)
            page.goto(f"{base}/")
            expect(page.locator("h1")).to_have_text("我的工作台")
            assert page.evaluate("document.querySelector('main.content').scrollWidth") <= \
                options["viewport"]["width"], f"{role} {size}: the workbench scrolls sideways"
            page.screenshot(path=str(shots / f"workbench-{role}-{size}.png"), full_page=True)
            links = page.locator("a.task-link")
            if role == Role.MEMBER:
                expect(page.locator("tr", has_text="按退回意见修改")).to_contain_text("已退回")
            if role in IDLE:
                expect(page.locator("main")).to_contain_text("暂无待办事项")
                ctx.close()
                continue
            assert links.count() >= 1, f"{role}: no task with a link"
            # Every line leads somewhere; none is plain text.
            assert page.locator(".card table.list tbody tr").count() == links.count()
            if size == "1366x768":
                links.first.click()
                page.wait_for_load_state()
                main = page.locator("main")
                expect(main).not_to_contain_text("无权")
                label = ACTS[role]
                action = (main.get_by_role("button", name=label) if label
                          else main.locator("form[method=post] button"))
                assert action.count() >= 1, f"{role}: nothing to act on at {page.url}"
                page.screenshot(path=str(shots / f"workbench-{role}-first-task.png"),
                                full_page=True)
            ctx.close()
