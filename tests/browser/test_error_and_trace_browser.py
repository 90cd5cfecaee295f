"""Error pages and the change trace as a person sees them, on a desk and on a phone (R0.7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dangjian.org.models import Role
from dangjian.org.services import person_update
from dangjian.testing import PASSWORD, build_county
from dangjian.trail.changes import changes_chain
from dangjian.trail.services import trail_append

SIZES = {"desk": (1366, 768), "phone": (390, 844)}


@pytest.mark.browser
@pytest.mark.req("R0.7")
def test_error_pages_and_trace_read_as_chinese(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path, settings: Any
) -> None:
    from playwright.sync_api import expect

    settings.ROOT_URLCONF = "dangjian.core.tests.error_urls"
    shots = artifacts / "screenshots"
    shots.mkdir(exist_ok=True)
    county = build_county()
    reader = county.user(Role.DISCIPLINE_COMMISSION)
    person = county.depts[0].people[0]
    person_update(actor=county.user(Role.WORK_COMMITTEE_ADMIN), person=person,
                  is_reserve_cadre=True, job_title="副科长")
    unit = county.depts[0].unit
    trail_append(chain=changes_chain(unit.path), actor=reader, action="create",
                 subject_type="responsibility.spotcheck", subject_id=1,
                 subject_label="年度随机抽查", scope_path=unit.path,
                 after={"population": {"primary": [county.depts[0].committee.pk]},
                        "committed_at": "2026-03-01T08:04:28.630Z",
                        "conductor": county.discipline_commission.pk})
    for label, (width, height) in SIZES.items():
        page = chromium.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
        page.set_default_timeout(60_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", reader.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        for path, heading, name in (("/no-such-page/", "页面不存在", "404"),
                                    ("/__fails/", "系统出错", "500"),
                                    ("/__denied/", "无权访问", "403")):
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("h1")).to_have_text(heading)
            expect(page.get_by_role("link", name="返回工作台")).to_be_visible()
            page.screenshot(path=str(shots / f"error-{name}-{label}.png"), full_page=True)
        page.get_by_role("link", name="返回工作台").click()
        expect(page).to_have_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/trail/changes/")
        table = page.locator("table.list tbody")
        expect(table).to_contain_text("后备干部：是")
        expect(table).to_contain_text("抽取范围：主体责任清单：")
        expect(table).to_contain_text("承诺时间：2026-03-01 16:04")
        expect(table).to_contain_text(f"组织单位：{county.discipline_commission.name}")
        text = table.inner_text()
        for raw in ("False", "True", "conductor", "population", "T08:04", "{'"):
            assert raw not in text, raw
        page.screenshot(path=str(shots / f"trace-{label}.png"))  # the first screen
        page.close()
