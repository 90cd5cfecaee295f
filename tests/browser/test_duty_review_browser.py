"""述职评议 in a real browser (R2.4–R2.7): a reporter writes and submits on a phone, three
reviewers approve on their desks, then the chair arranges the branch's meeting, prints the
one-time codes, opens the ballot, 22 raters vote from phone-sized pages, and the chair closes
it and reads the result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dangjian.ballots.models import Ballot
from dangjian.duty_review.models import Meeting, ReportStatus
from dangjian.duty_review.testing import assignment_of, published_plan
from dangjian.testing import PASSWORD, build_county

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "zh-CN"}
RATERS = 22


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.req("R2.4", "R2.5", "R2.6", "R2.7")
def test_report_to_approval_then_meeting_to_result(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    county = build_county()
    plan = published_plan()
    member = county.user("member")
    report = assignment_of(plan, member.person).report
    base = live_server.url

    # The reporter writes on a phone, from the workbench's "my reports".
    ctx = chromium.new_context(**PHONE)
    phone = ctx.new_page()
    phone.set_default_timeout(15_000)
    _login(phone, base, "t_member")
    phone.goto(f"{base}/duty-review/mine/")
    phone.get_by_role("link", name="撰写 / 报送").click()
    textareas = phone.locator("form.report-form textarea")
    expect(textareas).to_have_count(6)  # the 5 points of 二(二)1(1) and the problems
    for i in range(5):
        textareas.nth(i).fill(f"本人认真落实第{i + 1}项要求，按时参加组织生活。")
    phone.get_by_role("button", name="保存并报送").click()
    expect(phone.locator(".messages")).to_contain_text("以下部分尚未填写")
    textareas.nth(5).fill("理论学习不够系统\n服务群众办法不多")
    phone.get_by_role("button", name="保存并报送").click()
    expect(phone.locator("#report-status")).to_have_text("待基层党组织集体初审")
    assert phone.evaluate("document.querySelector('main.content').scrollWidth") <= 390
    phone.screenshot(path=str(artifacts / "duty-report-phone.png"), full_page=True)
    ctx.close()

    # Three reviewers, each at their stage, through their review queue.
    desk = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    for username, opinion, after in (
        ("t_org_secretary", "经支部委员会集体初审，同意上报", "待部门党组审定"),
        ("t_lg_secretary", "经党组会议审定，同意报送", "已报工委，待审定意见"),
        ("t_wc_admin", "内容全面，同意述职", "已审定"),
    ):
        desk.clear_cookies()
        page = desk.new_page()
        page.set_default_timeout(15_000)
        _login(page, base, username)
        page.goto(f"{base}/duty-review/queue/")
        page.get_by_role("link", name=member.person.name).click()
        page.fill("#id_opinion", opinion)
        page.locator("#review button[value=approve]").click()
        expect(page.locator("#report-status")).to_have_text(after)
        page.close()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert list(report.steps.values_list("opinion", flat=True)) == [
        "", "经支部委员会集体初审，同意上报", "经党组会议审定，同意报送", "内容全面，同意述职"]

    # The chair (the branch secretary) arranges the meeting from the plan page.
    desk.clear_cookies()
    chair = desk.new_page()
    chair.set_default_timeout(15_000)
    chair.on("dialog", lambda dialog: dialog.accept())
    _login(chair, base, "t_org_secretary")
    chair.goto(f"{base}/duty-review/plans/{plan.pk}/")
    chair.locator("summary", has_text="安排评议会").click()
    chair.select_option("#id_upper", str(county.depts[0].branches[0].pk))
    chair.select_option("#id_tier", "member")
    chair.fill("#id_held", f"{plan.year.ends:%Y-%m-%d}")
    chair.fill("#id_members", "支部委员会委员")
    chair.get_by_role("button", name="安排", exact=True).click()
    expect(chair.locator("h1")).to_contain_text("评议会")
    meeting = Meeting.objects.get(plan=plan)
    card = chair.locator(f"#a-{report.assignment_id}")
    card.locator("select[name=kind]").select_option("question")
    card.locator("select[name=finding]").select_option("question")
    card.locator("input[name=speaker]").fill("支部书记")
    card.locator("input[name=text]").fill("如何改进服务群众的办法？")
    card.locator("input[name=answer]").fill("每月到社区报到服务一次")
    card.get_by_role("button", name="记录").click()
    expect(chair.locator(f"#a-{report.assignment_id}")).to_contain_text("每月到社区报到服务一次")
    chair.screenshot(path=str(artifacts / "duty-meeting.png"), full_page=True)

    # Into the box: print the code sheet (a new tab), open, watch the count.
    chair.locator("#box-link").click()
    chair.fill("#id_count", str(RATERS))
    with desk.expect_page() as sheet_info:
        chair.get_by_role("button", name="生成并打印票码").click()
    sheet = sheet_info.value
    sheet.wait_for_load_state()
    codes = [c.replace("-", "") for c in sheet.locator(".slip .code").all_inner_texts()]
    assert len(codes) == RATERS
    sheet.screenshot(path=str(artifacts / "duty-code-sheet.png"), full_page=True)
    sheet.close()
    chair.get_by_role("button", name="开始测评").click()
    expect(chair.locator("h1 .tag")).to_have_text("测评中")

    receipts = []
    candidates = list(meeting.box.candidates.all())
    grades = ["good", "fairly_good", "good", "average"]
    for i, code in enumerate(codes[:RATERS - 1]):
        rater_ctx = chromium.new_context(**PHONE)
        rater = rater_ctx.new_page()
        rater.set_default_timeout(15_000)
        rater.goto(f"{base}/b/{meeting.box.token}/#{code}")  # as scanned from the QR code
        expect(rater.locator("#id_code")).to_have_value(code)
        for c in candidates:
            rater.check(f"input[name=c_{c.pk}][value={grades[i % len(grades)]}]")
        rater.get_by_role("button", name="提交测评票").click()
        receipts.append(rater.locator("[data-testid=receipt]").inner_text())
        if i == 0:
            rater.screenshot(path=str(artifacts / "duty-rater-receipt-phone.png"), full_page=True)
            rater.goto("about:blank")
            rater.goto(f"{base}/b/{meeting.box.token}/#{code}")  # the same code again
            for c in candidates:
                rater.check(f"input[name=c_{c.pk}][value=poor]")
            rater.get_by_role("button", name="提交测评票").click()
            expect(rater.locator(".messages")).to_contain_text("已提交")
        rater_ctx.close()
    chair.reload()
    expect(chair.locator("[data-testid=received]")).to_have_text(str(RATERS - 1))
    chair.get_by_role("button", name="结束测评").click()
    expect(chair.locator("h1")).to_contain_text("结果")

    # The meeting's result page: counts, shares, the rule beside them, the audit line.
    chair.goto(f"{base}/duty-review/meetings/{meeting.pk}/results/")
    expect(chair.locator("#audit")).to_contain_text(f"收回测评票 {RATERS - 1}")
    expect(chair.locator("#audit")).to_contain_text("核对一致")
    expect(chair.locator("body")).to_contain_text("“好”票占比≥60%为好")
    row = chair.locator("#results tbody tr").first
    expect(row).to_contain_text(member.person.name)
    expect(row).to_contain_text("11（52%）")  # 好: raters 0, 2, 4, … of 21
    chair.screenshot(path=str(artifacts / "duty-results.png"), full_page=True)
    assert Ballot.objects.filter(box=meeting.box).count() == RATERS - 1
    assert sorted(receipts) == sorted(Ballot.objects.filter(box=meeting.box)
                                      .values_list("receipt", flat=True))
    desk.close()
