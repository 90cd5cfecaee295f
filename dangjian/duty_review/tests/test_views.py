"""The pages through the real stack: reporter, reviewers, chair, results and outputs."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from dangjian.ballots.services import ballot_submit, box_close, box_open, codes_issue
from dangjian.duty_review.models import ReportStatus
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import meeting_create
from dangjian.duty_review.services.reports import report_sections
from dangjian.duty_review.testing import assignment_of
from dangjian.rectification.models import Plan


def _form(report, **extra):
    data = {f"s_{s.key}": f"内容{s.key}" for s in report_sections(report)}
    data.update(extra)
    return data


@pytest.mark.req("R2.2", "R2.4")
def test_reporter_and_reviewers_through_the_pages(county, plan, client):
    member = county.user("member")
    report = assignment_of(plan, member.person).report
    client.force_login(member)
    page = client.get("/duty-review/mine/")
    assert page.status_code == 200 and "撰写 / 报送" in page.content.decode()
    url = f"/duty-review/reports/{report.pk}/"
    page = client.get(url).content.decode()
    assert "一、个人学习宣传贯彻" in page and "六、存在的问题及下一步打算" in page
    # Submitting with a section empty is refused with a message and changes nothing.
    r = client.post(url + "save/", _form(report, s_p3="", then="submit"), follow=True)
    assert "以下部分尚未填写" in r.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    r = client.post(url + "save/", _form(report, then="submit"), follow=True)
    assert "已报送" in r.content.decode()
    # Reviewers: each sees it in their queue when it is their turn, and acts on the page.
    for role, opinion in (("org_secretary", "初审通过"), ("lg_secretary", "党组审定通过"),
                          ("wc_admin", "同意")):
        client.force_login(county.user(role))
        assert url in client.get("/duty-review/queue/").content.decode()
        r = client.post(url + "transition/", {"action": "approve", "opinion": opinion},
                        follow=True)
        assert r.status_code == 200
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "已审定" in page and "同意" in page and "<textarea" not in page
    r = client.post(url + "save/", _form(report, s_p1="改"), follow=True)
    assert "已审定，不能再修改" in r.content.decode()


@pytest.mark.req("R2.3")
@pytest.mark.today("2026-06-15")  # the year's first day is past, the default deadline is not
def test_plan_page_shows_tiers_progress_and_late(county, plan, client):
    client.force_login(county.user("wc_admin"))
    page = client.get("/duty-review/", follow=True).content.decode()
    assert plan.title in page and "党组织书记向县直机关工委述职" in page
    a = assignment_of(plan, county.user("member").person)
    client.post(f"/duty-review/assignments/{a.pk}/edit/",
                {"form": "meeting", "deadline": f"{plan.year.starts:%Y-%m-%d}"})
    page = client.get(f"/duty-review/plans/{plan.pk}/").content.decode()
    assert "逾期未报送" in page and a.reporter.name in page


@pytest.mark.req("R2.5", "R2.6", "R2.7", "R2.8")
def test_meeting_results_and_outputs(county, plan, client):
    a = county.depts[0]
    client.force_login(county.user("county"))
    r = client.post(f"/duty-review/plans/{plan.pk}/meetings/add/", {
        "upper_body": county.root.pk, "tier": Tier.LEADERSHIP, "form": "meeting",
        "held_on": f"{plan.year.ends:%Y-%m-%d}", "members": "县委书记"})
    meeting = plan.meetings.get()
    assert r.status_code == 302 and r.url == f"/duty-review/meetings/{meeting.pk}/"
    page = client.get(r.url).content.decode()
    assert f"/ballots/{meeting.box.pk}/" in page
    lead = assignment_of(plan, a.people[0], Tier.LEADERSHIP)
    client.post(f"/duty-review/meetings/{meeting.pk}/remarks/", {
        "assignment": lead.pk, "kind": "question", "finding": "problem", "speaker": "县委书记",
        "text": "如何抓好支部？", "answer": "推进标准化"})
    assert lead.remarks.get().answer == "推进标准化"
    box_open(actor=None, box=meeting.box, check_scope=False)
    cands = list(meeting.box.candidates.all())
    for code in codes_issue(actor=None, box=meeting.box, count=5, check_scope=False):
        ballot_submit(box_id=meeting.box.pk, code=code,
                      grades={str(c.pk): "good" for c in cands})
    box_close(actor=None, box=meeting.box, check_scope=False)
    page = client.get(f"/duty-review/meetings/{meeting.pk}/results/").content.decode()
    assert "“好”票占比≥60%为好" in page and "核对一致" in page
    client.post(f"/duty-review/assignments/{lead.pk}/evaluate/",
                {"grade": "good", "opinion": "成效明显"})
    assert lead.county_evaluation.grade == "good"
    xlsx = client.get(f"/duty-review/meetings/{meeting.pk}/tally.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content))["测评结果"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[a.people[0].name][3] == 5 and rows[a.people[0].name][12] == "好"
    notice = Document(io.BytesIO(client.get(
        f"/duty-review/meetings/{meeting.pk}/notice.docx").content))
    text = "\n".join(p.text for p in notice.paragraphs)
    assert "评议结果" in text and "收回测评票5张" in text
    letter = Document(io.BytesIO(client.get(
        f"/duty-review/assignments/{lead.pk}/letter.docx").content))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "如何抓好支部？" in text and "综合考评等次：好" in text
    confirm = client.get(f"/duty-review/meetings/{meeting.pk}/rectify/").content.decode()
    assert "如何抓好支部？" in confirm and 'name="pick"' in confirm
    r = client.post(f"/duty-review/meetings/{meeting.pk}/rectify/",
                    {"pick": [f"remark:{lead.remarks.get().pk}"]}, follow=True)
    assert "已为1名述职人生成整改方案" in r.content.decode()
    rect = Plan.objects.get(source="duty_review")
    assert rect.owner_person == a.people[0]
    assert rect.items.get().origin == "述职评议会现场询问"


@pytest.mark.req("R2.5")
def test_outputs_wait_for_the_close(county, plan, client):
    meeting = meeting_create(actor=None, plan=plan, upper_body=county.depts[0].branches[0],
                             tier=Tier.MEMBER, held_on=plan.year.ends, check_scope=False)
    client.force_login(county.user("org_secretary"))
    r = client.get(f"/duty-review/meetings/{meeting.pk}/tally.xlsx")
    assert r.status_code == 302
    assert "测评结束后显示结果" in client.get(
        f"/duty-review/meetings/{meeting.pk}/results/").content.decode()
