"""The report and its review workflow (R2.2, R2.4): every step, opinion and version kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.duty_review import selectors
from dangjian.duty_review.models import ReportStatus, ReportStep, ReportVersion
from dangjian.duty_review.services import assignment_update, report_save, report_transition
from dangjian.duty_review.services.reports import report_sections
from dangjian.duty_review.testing import assignment_of
from dangjian.notify.models import Task


def _text(report, **extra):
    out = {s.key: f"内容{s.key}" for s in report_sections(report)}
    out.update(extra)
    return out


@pytest.mark.req("R2.4", "R2.2")
def test_report_walks_every_stage_to_approval(county, plan):
    member = county.user("member")
    report = assignment_of(plan, member.person).report
    v1 = report_save(actor=member, report=report, sections=_text(report, p1=""))
    with pytest.raises(ValidationError, match="尚未填写"):
        report_transition(actor=member, report=report, action="submit")
    v2 = report_save(actor=member, report=report, sections=_text(report))
    assert (v1.number, v2.number) == (1, 2)
    assert report_save(actor=member, report=report, sections=_text(report)).number == 2
    report = report_transition(actor=member, report=report, action="submit")
    assert report.status == ReportStatus.PRELIM
    assert not Task.objects.filter(assignee=member, done_at__isnull=True).exists()
    # Wrong reviewer for the stage: the 党组书记 may not act as 工委, nor a member as anyone.
    with pytest.raises(PermissionDenied):
        report_transition(actor=county.user("member"), report=report, action="approve")
    report = report_transition(actor=county.user("org_secretary"), report=report,
                               action="approve", opinion="支部委员会集体初审通过")
    assert report.status == ReportStatus.LEADING_GROUP
    with pytest.raises(PermissionDenied):
        report_transition(actor=county.user("org_secretary"), report=report, action="approve")
    report = report_transition(actor=county.user("lg_secretary"), report=report,
                               action="approve", opinion="党组会审定")
    assert report.status == ReportStatus.WORK_COMMITTEE
    with pytest.raises(PermissionDenied):
        report_transition(actor=county.user("lg_secretary"), report=report, action="approve",
                          opinion="x")
    with pytest.raises(ValidationError, match="审定意见"):
        report_transition(actor=county.user("wc_admin"), report=report, action="approve")
    report = report_transition(actor=county.user("wc_admin"), report=report, action="approve",
                               opinion="同意，内容全面")
    assert report.status == ReportStatus.APPROVED and report.approval_opinion == "同意，内容全面"
    steps = list(report.steps.values_list("status_from", "status_to", "opinion", "version"))
    assert steps == [("draft", "prelim", "", 2),
                     ("prelim", "leading_group", "支部委员会集体初审通过", 2),
                     ("leading_group", "work_committee", "党组会审定", 2),
                     ("work_committee", "approved", "同意，内容全面", 2)]
    # Read-only after approval.
    with pytest.raises(ValidationError, match="已审定"):
        report_save(actor=member, report=report, sections=_text(report, p1="改"))
    with pytest.raises(ValidationError):
        report_transition(actor=member, report=report, action="submit")


@pytest.mark.req("R2.4")
@pytest.mark.parametrize("stage,reviewer", [("prelim", "org_secretary"),
                                            ("leading_group", "lg_secretary"),
                                            ("work_committee", "wc_admin")])
def test_each_reviewer_sends_back_with_opinions(county, plan, stage, reviewer):
    member = county.user("member")
    report = assignment_of(plan, member.person).report
    report_save(actor=member, report=report, sections=_text(report))
    report = report_transition(actor=member, report=report, action="submit")
    chain = ["org_secretary", "lg_secretary", "wc_admin"]
    for role in chain[:chain.index(reviewer)]:
        report = report_transition(actor=county.user(role), report=report, action="approve",
                                   opinion="通过")
    assert report.status == stage
    with pytest.raises(ValidationError, match="修改意见"):
        report_transition(actor=county.user(reviewer), report=report, action="return")
    report = report_transition(actor=county.user(reviewer), report=report, action="return",
                               opinion="请补充联系群众的具体事例")
    assert report.status == ReportStatus.RETURNED
    assert Task.objects.get(assignee=member).done_at is None  # back on the workbench
    # The reporter revises (a new version) and resubmits from the start.
    report_save(actor=member, report=report, sections=_text(report, p4="补充了事例"))
    report = report_transition(actor=member, report=report, action="submit")
    assert report.status == ReportStatus.PRELIM
    assert ReportVersion.objects.filter(report=report).count() == 2
    last_back = ReportStep.objects.filter(report=report, action="return").get()
    assert last_back.opinion == "请补充联系群众的具体事例" and last_back.version == 1


@pytest.mark.req("R2.4")
def test_stage_without_a_body_is_passed_and_recorded(county, plan):
    a = county.depts[0]
    a.leading_group.valid_to = dt.date(2021, 1, 1)  # as if the unit had no 党组
    a.leading_group.save(update_fields=["valid_to"])
    member = county.user("member")
    report = assignment_of(plan, member.person).report
    report_save(actor=member, report=report, sections=_text(report))
    report_transition(actor=member, report=report, action="submit")
    report = report_transition(actor=county.user("org_secretary"), report=report,
                               action="approve", opinion="通过")
    assert report.status == ReportStatus.WORK_COMMITTEE
    assert report.steps.filter(action="pass", actor_name="系统").count() == 1


@pytest.mark.req("R2.4")
def test_others_cannot_write_a_report_and_tampered_forms_change_nothing(county, plan):
    report = assignment_of(plan, county.user("member").person).report
    with pytest.raises(PermissionDenied):
        report_save(actor=county.user("org_secretary"), report=report, sections=_text(report))
    with pytest.raises(ValidationError, match="表单内容无效"):
        report_save(actor=county.user("member"), report=report, sections={"p9": "x"})
    assert not report.versions.exists()


@pytest.mark.req("R2.4")
@pytest.mark.today("2026-06-15")  # before the plan's default deadline (30 November)
def test_late_reports_are_visible_to_the_work_committee(county, plan):
    member = county.user("member")
    a = assignment_of(plan, member.person)
    assignment_update(actor=county.user("wc_admin"), assignment=a, form=a.form,
                      deadline=plan.year.starts)
    today = timezone.localdate()
    late = list(selectors.late_reports(user=county.user("wc_admin"), plan=plan, today=today))
    assert [r.assignment_id for r in late] == [a.pk]
    assert late[0].is_late(today)
    # The reporter sees their own; nobody outside the unit sees it.
    assert list(selectors.late_reports(user=member, plan=plan, today=today)) == late
    assert not list(selectors.late_reports(user=county.user("civilization"), plan=plan,
                                           today=today))


@pytest.mark.req("R2.4")
def test_review_queue_lists_what_waits_for_the_user(county, plan):
    member = county.user("member")
    report = assignment_of(plan, member.person).report
    report_save(actor=member, report=report, sections=_text(report))
    report_transition(actor=member, report=report, action="submit")
    queued = [r.pk for r, _ in selectors.review_queue(user=county.user("org_secretary"))]
    assert queued == [report.pk]
    assert selectors.review_queue(user=county.user("member")) == []
    assert report.pk in [r.pk for r, _ in selectors.review_queue(user=county.user("wc_admin"))]
    # Another department's 党组书记 has nothing waiting.
    report_b = assignment_of(plan, county.depts[1].people[1]).report
    assert report_b.pk not in [r.pk for r, _ in selectors.review_queue(
        user=county.user("lg_secretary"))]


@pytest.mark.req("R2.4")
def test_review_queue_takes_the_same_queries_for_more_reports(county, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.accounts.services import user_create
    from dangjian.duty_review.workflow import stage_body

    def submit(person):
        report = assignment_of(plan, person).report
        actor = getattr(person, "account", None) or user_create(
            actor=None, username=f"reporter{person.pk}", password="Reporter-pass-2026",
            full_name=person.name, person=person, check_scope=False)
        report_save(actor=actor, report=report, sections=_text(report))
        report_transition(actor=actor, report=report, action="submit")

    admin = county.user("wc_admin")
    submit(county.user("member").person)
    selectors.review_queue(user=admin)  # the user's grants are read once and kept
    with CaptureQueriesContext(connection) as few:
        one = selectors.review_queue(user=admin)
    for person in (county.depts[1].people[3], county.depts[1].people[4]):
        submit(person)
    with CaptureQueriesContext(connection) as more:
        three = selectors.review_queue(user=admin)
    assert len(one) == 1 and len(three) == 3
    assert len(more) == len(few)
    # The batch answer is the one stage_body gives report by report.
    assert [b for _, b in three] == [stage_body(r.assignment, r.status) for r, _ in three]
