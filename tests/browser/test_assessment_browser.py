"""党建工作考核 in a real browser (R1.1–R1.5): 工委 builds and publishes the year's system and a
team; an assessor records a hearing, a talk, a site visit with a photo and a 民主测评, scores the
department; the team grades it; the feedback letter and the special report download and open."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from docx import Document

from dangjian.assessment.models import Assessment, Hearing, Interview, Judgement, SiteVisit
from dangjian.assessment.testing import STAFF_PASSWORD, staff_user
from dangjian.ballots.services import ballot_submit, box_open, codes_issue
from dangjian.cycles.services import year_ensure
from dangjian.evidence.services import evidence_for
from dangjian.scoring.models import Score
from dangjian.testing import PASSWORD, TINY_PNG, build_county


def _login(browser: Any, url: str, username: str, password: str) -> Any:
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                               accept_downloads=True).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page.locator(".topbar")).to_be_visible()
    return page


@pytest.mark.browser
@pytest.mark.req("R1.1", "R1.2", "R1.3", "R1.4", "R1.5")
def test_assessment_year_in_the_browser(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    county = build_county()
    year_ensure(year=timezone.localdate().year, make_current=True)
    staff = staff_user(county, "t_wc_staff")
    dept = county.depts[0].unit
    url = live_server.url
    today = timezone.localdate().isoformat()

    # 工委 builds the system from the default, adds an indicator, publishes it.
    admin = _login(chromium, url, "t_wc_admin", PASSWORD)
    admin.goto(f"{url}/assessment/scheme/")
    admin.get_by_role("button", name="建立本年度指标体系").click()
    expect(admin.locator(".messages")).to_contain_text("已建立本年度考核指标体系")
    card = admin.locator("#set-secretary")
    card.locator("details.add-indicator summary").click()
    form = card.locator("details.add-indicator form")
    form.locator("input[name=code]").fill("5")
    form.locator("textarea[name=title]").fill("带头落实意识形态工作责任制")
    form.locator("input[name=max_points]").fill("10")
    form.get_by_label("个别谈话").check()
    form.get_by_role("button", name="添加").click()
    expect(admin.locator("#set-secretary")).to_contain_text("带头落实意识形态工作责任制")
    admin.screenshot(path=str(artifacts / "assessment-scheme-draft.png"), full_page=True)
    admin.locator("#publish").click()
    expect(admin.locator(".messages")).to_contain_text("指标体系已发布")
    expect(admin.locator("#scheme-status")).to_have_text("已发布")

    # A team: the administrator leads, the staff member assesses the first department.
    admin.goto(f"{url}/assessment/teams/")
    admin.fill("#team-name", "第一考核组")
    admin.select_option("#team-leader", str(county.user("wc_admin").pk))
    admin.locator(f"input[name=members][value='{county.user('wc_admin').pk}']").check()
    admin.locator(f"input[name=members][value='{staff.pk}']").check()
    admin.locator(f"input[name=units][value='{dept.pk}']").check()
    admin.get_by_role("button", name="建立").click()
    expect(admin.locator(".messages")).to_contain_text("已建立考核组")
    assessment = Assessment.objects.get(unit=dept)

    # The assessor records the four kinds of evidence.
    page = _login(chromium, url, staff.username, STAFF_PASSWORD)
    page.goto(f"{url}/assessment/{assessment.pk}/")
    page.locator("#hearings summary").click()
    page.fill("#h-date", today)
    page.fill("#h-reporter", "党组书记")
    page.fill("#h-summary", "全年召开党组会专题研究党建工作4次")
    page.locator("#hearings").get_by_role("button", name="保存").click()
    expect(page.locator("#hearings")).to_contain_text("专题研究党建工作4次")
    page.get_by_role("link", name="查看和记录谈话内容").click()
    page.fill("#i-date", today)
    page.fill("#i-who", "机关党委书记")
    page.fill("#i-notes", "反映党务干部兼职过多")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".interview")).to_contain_text("反映党务干部兼职过多")
    page.goto(f"{url}/assessment/{assessment.pk}/")
    page.locator("#site-visits summary").click()
    page.fill("#v-date", today)
    page.fill("#v-checked", "党员活动室")
    page.fill("#v-findings", "阵地规范")
    page.get_by_role("button", name="保存并上传照片").click()
    photo = tmp_path / "现场.png"
    photo.write_bytes(TINY_PNG)
    page.set_input_files(".evidence-panel input[type=file]", str(photo))
    page.locator(".evidence-panel").get_by_role("button", name="上传").click()
    expect(page.locator(".evidence-panel")).to_contain_text("现场.png")
    page.goto(f"{url}/assessment/{assessment.pk}/")
    page.get_by_role("button", name="创建民主测评").click()
    expect(page.locator("#poll")).to_contain_text("民主测评")
    assessment.refresh_from_db()
    box = assessment.box
    codes = codes_issue(actor=county.user("wc_admin"), box=box, count=3)
    box_open(actor=county.user("wc_admin"), box=box)
    for code in codes:
        ballot_submit(box_id=box.pk, code=code,
                      grades={str(c.pk): "good" for c in box.candidates.all()})

    # Scores for the department: one over the maximum is refused, then all within it.
    page.locator("#subjects").get_by_role("link", name="评分").first.click()
    inputs = page.locator("#score-form input[type=number]")
    reasons = page.locator("#score-form textarea")
    for i in range(inputs.count()):
        inputs.nth(i).fill("4")
        reasons.nth(i).fill("材料齐全")
    page.get_by_role("button", name="保存评分").click()
    expect(page.locator(".messages")).to_contain_text("已保存9项评分")
    expect(page.locator("#subjects")).to_contain_text("36.00")
    page.screenshot(path=str(artifacts / "assessment-dept.png"), full_page=True)

    # The team's judgement, with reasons.
    page.locator("#judge-form summary").click()
    page.locator("#judge-form").get_by_label("较好").check()
    page.fill("#judge-reasons", "工作扎实，测评结果好，但部分指标失分较多")
    page.get_by_role("button", name="保存研判意见").click()
    expect(page.locator("#subjects")).to_contain_text("较好")
    page.locator("#subjects").get_by_role("link", name="等次说明").first.click()
    expect(page.locator("#why")).to_contain_text("失分")
    expect(page.locator("#why")).to_contain_text("好3票")
    page.screenshot(path=str(artifacts / "assessment-explain.png"), full_page=True)

    # 工委 writes and sends the feedback letter; it downloads and opens.
    admin.goto(f"{url}/assessment/{assessment.pk}/feedback/")
    admin.fill("#fb-number", "示直工〔2026〕3号")
    admin.fill("#fb-body", "现将你单位机关党建工作考核情况反馈如下。")
    admin.fill("#fb-problems", "党务干部兼职过多\n党组专题研究次数偏少")
    admin.get_by_role("button", name="保存").click()
    admin.once("dialog", lambda dialog: dialog.accept())  # it says what sending sets off
    admin.locator("#feedback-send").click()
    expect(admin.locator("#feedback-status")).to_have_text("已反馈")
    with admin.expect_download() as info:
        admin.locator("#feedback-docx").click()
    letter = Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert any("党务干部兼职过多" in p.text for p in letter.paragraphs)

    # The special report: edit, download, open.
    admin.goto(f"{url}/assessment/report/")
    admin.fill("#r-number", "示直工〔2026〕9号")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator(".messages")).to_contain_text("已保存专题报告")
    with admin.expect_download() as info:
        admin.locator("#report-docx").click()
    report = Document(io.BytesIO(Path(info.value.path()).read_bytes()))
    texts = [p.text for p in report.paragraphs]
    assert "示直工〔2026〕9号" in texts and "中共示范县委员会：" in texts
    assert report.inline_shapes  # the chart
    admin.screenshot(path=str(artifacts / "assessment-report.png"), full_page=True)

    assert Hearing.objects.filter(assessment=assessment).count() == 1
    assert Interview.objects.filter(assessment=assessment).count() == 1
    assert evidence_for(SiteVisit.objects.get(assessment=assessment)).count() == 1
    assert Score.objects.filter(assessor=staff).count() == 9
    assert Judgement.objects.get(assessment=assessment).grade == "fairly_good"
