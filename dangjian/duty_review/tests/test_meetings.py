"""评议会, ballots, results, 综合考评, rectification and next year's report (R2.5–R2.9)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.ballots.services import ballot_submit, box_close, box_open, codes_issue
from dangjian.cycles.services import year_ensure
from dangjian.duty_review import selectors
from dangjian.duty_review.models import Form
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import (
    assignment_update,
    county_evaluate,
    meeting_create,
    meeting_rectification,
    remark_add,
    report_save,
    report_transition,
)
from dangjian.duty_review.services.reports import report_sections
from dangjian.duty_review.testing import assignment_of, fill, published_plan
from dangjian.rectification.models import ItemStatus
from dangjian.rectification.services import item_submit, item_verify


def _vote(box, grades_by_label, n):
    codes = codes_issue(actor=None, box=box, count=n, check_scope=False)
    cands = {c.label: c.pk for c in box.candidates.all()}
    for code in codes:
        ballot_submit(box_id=box.pk, code=code,
                      grades={str(cands[label]): g for label, g in grades_by_label.items()})


def _lead_meeting(county, plan):
    day = min(timezone.localdate(), plan.year.ends)  # a day of the plan's year
    return meeting_create(actor=county.user("county"), plan=plan, upper_body=county.root,
                          tier=Tier.LEADERSHIP, held_on=day, place="县委常委会议室",
                          members="县委书记、副书记", raters="县委委员、部门负责人")


@pytest.mark.req("R2.5", "R2.6", "R2.7")
def test_meeting_remarks_ballots_and_results(county, plan):
    a, b = county.depts
    with pytest.raises(PermissionDenied):
        meeting_create(actor=county.user("org_secretary"), plan=plan, upper_body=county.root,
                       tier=Tier.LEADERSHIP, held_on=timezone.localdate())
    meeting = _lead_meeting(county, plan)
    lead_a = assignment_of(plan, a.people[0], Tier.LEADERSHIP)
    lead_b = assignment_of(plan, b.people[0], Tier.LEADERSHIP)
    agenda = [i.assignment_id for i in meeting.agenda.all()]
    assert sorted(agenda) == sorted([lead_a.pk, lead_b.pk])
    box = meeting.box
    assert box.purpose == "duty_review" and box.owner_body == county.root
    assert [c.ref for c in box.candidates.all()] == [f"assignment:{pk}" for pk in agenda]
    # Nobody can be put on two agendas.
    with pytest.raises(ValidationError, match="没有待安排"):
        _lead_meeting(county, plan)
    remark_add(actor=county.user("county"), meeting=meeting, assignment=lead_a,
               kind="comment", finding="problem", speaker="县委书记", text="抓党建责任压得不实")
    with pytest.raises(ValidationError) as err:
        remark_add(actor=county.user("county"), meeting=meeting, assignment=lead_a,
                   kind="question", finding="question", speaker="县委副书记",
                   text="支部建设如何推进？")
    assert "回答" in str(err.value)
    remark_add(actor=county.user("county"), meeting=meeting, assignment=lead_a,
               kind="question", finding="question", speaker="县委副书记",
               text="支部建设如何推进？", answer="年内完成支部标准化建设")
    with pytest.raises(PermissionDenied):
        remark_add(actor=county.user("lg_secretary"), meeting=meeting, assignment=lead_a,
                   kind="comment", finding="problem", speaker="x", text="x")
    box_open(actor=county.user("county"), box=box)
    _vote(box, {a.people[0].name: "good", b.people[0].name: "average"}, 7)
    _vote(box, {a.people[0].name: "fairly_good", b.people[0].name: "poor"}, 3)
    rows = {r.assignment.pk: r for r in selectors.meeting_rows(meeting, with_results=True)}
    assert (len(rows[lead_a.pk].remarks), len(rows[lead_b.pk].remarks)) == (2, 0)
    box_close(actor=county.user("county"), box=box)
    rows = {r.assignment.pk: r for r in selectors.meeting_rows(meeting, with_results=True)}
    first, second = rows[lead_a.pk].result, rows[lead_b.pk].result
    assert first.counts == {"good": 7, "fairly_good": 3, "average": 0, "poor": 0}
    assert first.overall == "good" and second.overall == "average"
    # 县委's 综合考评, on top of the ballots, third tier only.
    with pytest.raises(PermissionDenied):
        county_evaluate(actor=county.user("wc_admin"), assignment=lead_a, grade="good",
                        opinion="x")
    ev = county_evaluate(actor=county.user("county"), assignment=lead_a, grade="good",
                         opinion="履职尽责，成效明显")
    assert ev.get_grade_display() == "好"
    member = assignment_of(plan, county.user("member").person)
    with pytest.raises(ValidationError, match="只适用于"):
        county_evaluate(actor=county.user("county"), assignment=member, grade="good",
                        opinion="x")


@pytest.mark.req("R2.5")
def test_written_form_uses_a_box_without_a_meeting(county, plan):
    admin = county.user("wc_admin")
    a = county.depts[0]
    sec = assignment_of(plan, a.people[1], Tier.PARTY_ORG)
    assignment_update(actor=admin, assignment=sec, form=Form.WRITTEN, deadline=sec.deadline)
    written = meeting_create(actor=admin, plan=plan, upper_body=county.work_committee,
                             tier=Tier.PARTY_ORG, form=Form.WRITTEN,
                             held_on=timezone.localdate())
    assert written.box is not None and "书面评议" in written.title
    with pytest.raises(ValidationError, match="书面述职"):
        remark_add(actor=admin, meeting=written, assignment=sec, kind="comment",
                   finding="problem", speaker="工委书记", text="x")


@pytest.mark.req("R2.8", "R2.9")
def test_rectification_from_the_meeting_then_next_years_report(county):
    a = county.depts[0]
    last = year_ensure(year=2025)
    plan = published_plan(last)
    lead = assignment_of(plan, a.people[0], Tier.LEADERSHIP)
    fill(lead.report, problems="1. 党建与业务融合不够\n2、基层支部活动形式单一")
    meeting = _lead_meeting(county, plan)
    remark_add(actor=county.user("county"), meeting=meeting, assignment=lead,
               kind="comment", finding="problem", speaker="县委书记", text="党建责任制落实不到位")
    with pytest.raises(ValidationError, match="测评结束后"):
        meeting_rectification(actor=county.user("county"), meeting=meeting)
    box_open(actor=None, box=meeting.box, check_scope=False)
    box_close(actor=None, box=meeting.box, check_scope=False)
    plans = meeting_rectification(actor=county.user("county"), meeting=meeting)
    rect = next(p for p in plans if p.owner_person == a.people[0])
    assert rect.source == "duty_review" and rect.verifier_body == county.root
    items = list(rect.items.order_by("order"))
    assert [(i.origin, i.problem) for i in items] == [
        ("述职评议会点评", "党建责任制落实不到位"),
        ("述职报告所列问题", "党建与业务融合不够"),
        ("述职报告所列问题", "基层支部活动形式单一"),
    ]
    # The other reporter had nothing to rectify: no empty plan for them.
    assert len(plans) == 1
    assert len(meeting_rectification(actor=county.user("county"), meeting=meeting)) == 1
    assert rect.items.count() == 3  # again: nothing added
    secretary = county.user("lg_secretary")
    item_submit(actor=secretary, item=items[0], note="已召开党组会专题研究")
    item_verify(actor=county.user("county"), item=items[0], accept=True, note="验收合格")

    # Next year: the report opens with last year's items and cannot go without that section.
    this = published_plan(year_ensure(year=2026, make_current=True))
    report = assignment_of(this, a.people[0], Tier.LEADERSHIP).report
    sections = report_sections(report)
    assert sections[0].key == "rectification"
    carried = selectors_carried(report)
    assert [(c.problem, c.status) for c in carried] == [
        ("党建责任制落实不到位", ItemStatus.CLOSED), ("党建与业务融合不够", ItemStatus.OPEN),
        ("基层支部活动形式单一", ItemStatus.OPEN)]
    text = {s.key: "已写" for s in sections}
    text["rectification"] = ""
    report_save(actor=secretary, report=report, sections=text)
    with pytest.raises(ValidationError, match="上年度整改情况"):
        report_transition(actor=secretary, report=report, action="submit")
    report_save(actor=secretary, report=report, sections={**text, "rectification": "三项整改"})
    assert report_transition(actor=secretary, report=report, action="submit").status == "prelim"
    # A member with no rectification last year has no such section.
    member_report = assignment_of(this, county.user("member").person).report
    assert report_sections(member_report)[0].key == "p1"


def selectors_carried(report):
    from dangjian.duty_review.services.reports import carried_items

    return carried_items(report)
