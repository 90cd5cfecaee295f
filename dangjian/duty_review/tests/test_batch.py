"""Reviewing a queue of 述职报告 in one go (R2.4): one opinion, each report recorded on its own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.duty_review.models import DutyReport, ReportStatus, ReportStep
from dangjian.duty_review.services import report_review_batch, report_transition
from dangjian.duty_review.testing import assignment_of, fill
from dangjian.trail.models import TrailEntry


def _submitted(plan, people, upto: str = "prelim") -> list[DutyReport]:
    """Reports of `people`, written, submitted and approved (scope unchecked) up to `upto`."""
    out = []
    for person in people:
        report = assignment_of(plan, person).report
        fill(report)
        report = report_transition(actor=None, report=report, action="submit", check_scope=False)
        while report.status != upto:
            report = report_transition(actor=None, report=report, action="approve",
                                       opinion="通过", check_scope=False)
        out.append(report)
    return out


def _trail(reports) -> int:
    return TrailEntry.objects.filter(subject_type="duty_review.dutyreport",
                                     subject_id__in=[str(r.pk) for r in reports]).count()


@pytest.mark.req("R2.4")
def test_a_batch_of_reports_gives_one_approval_and_one_trail_entry_each(county, plan):
    people = county.depts[0].people[2:6] + county.depts[1].people[1:4]  # members
    reports = _submitted(plan, people, upto="work_committee")
    traced, steps = _trail(reports), ReportStep.objects.count()
    outcome = report_review_batch(actor=county.user("wc_admin"),
                                  report_ids=[r.pk for r in reports], action="approve",
                                  opinion="同意，内容全面")
    assert len(outcome.done) == len(reports) == 7 and not outcome.refused
    for report in reports:
        report.refresh_from_db()
        assert report.status == ReportStatus.APPROVED
        assert report.approval_opinion == "同意，内容全面"
        last = report.steps.order_by("-pk").first()
        assert (last.action, last.opinion, last.actor) == ("approve", "同意，内容全面",
                                                           county.user("wc_admin"))
    assert ReportStep.objects.count() == steps + 7
    assert _trail(reports) == traced + 7


@pytest.mark.req("R2.4")
def test_a_report_the_reviewer_may_not_act_on_is_refused_and_the_others_go(county, plan):
    a = county.depts[0]
    own = _submitted(plan, [a.people[2]])                    # first branch: the secretary's
    elsewhere = _submitted(plan, [a.people[3]])              # the second branch
    done_already = _submitted(plan, [a.people[4]], upto="approved")[0]
    batch = [*own, *elsewhere, done_already]
    traced = _trail(batch)
    outcome = report_review_batch(actor=county.user("org_secretary"),
                                  report_ids=[r.pk for r in batch], action="approve")
    assert [r.pk for r, _ in outcome.done] == [r.pk for r in own]
    reasons = dict((r.pk, why) for r, why in outcome.refused)
    assert "无权" in reasons[elsewhere[0].pk]
    assert "不能进行此操作" in reasons[done_already.pk]
    assert _trail(batch) == traced + 1
    elsewhere[0].refresh_from_db()
    assert elsewhere[0].status == ReportStatus.PRELIM


@pytest.mark.req("R2.4")
def test_the_queue_page_approves_and_returns_the_ticked_reports(county, plan, client):
    reports = _submitted(plan, county.depts[0].people[2:4], upto="work_committee")
    client.force_login(county.user("wc_admin"))
    page = client.get(reverse("duty_review:review_queue")).content.decode()
    assert page.count('name="pk"') == 2 and "审核通过所选" in page
    url = reverse("duty_review:review_batch")
    # Returning needs an opinion: the whole batch is refused, nothing changes.
    response = client.post(url, {"pk": [r.pk for r in reports], "action": "return"},
                           follow=True)
    assert "退回时请填写修改意见" in response.content.decode()
    assert set(DutyReport.objects.filter(pk__in=[r.pk for r in reports])
               .values_list("status", flat=True)) == {"work_committee"}
    response = client.post(url, {"pk": [reports[0].pk], "action": "return",
                                 "opinion": "请补充具体事例"}, follow=True)
    text = response.content.decode()
    assert "已退回修改1份" in text
    response = client.post(url, {"pk": [r.pk for r in reports], "action": "approve",
                                 "opinion": "同意"}, follow=True)
    text = response.content.decode()
    assert "已审核通过1份" in text and "未审核通过" in text and "退回修改" in text
    statuses = dict(DutyReport.objects.filter(pk__in=[r.pk for r in reports])
                    .values_list("pk", "status"))
    assert statuses == {reports[0].pk: "returned", reports[1].pk: "approved"}
    assert client.post(url, {"action": "approve"}, follow=True).content.decode().count(
        "请先勾选") == 1
