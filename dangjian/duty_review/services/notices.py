"""Who hears of each step of 述职评议 (the events are declared in duty_review/workbench.py).
Called inside the step's transaction; `notify` sends after commit."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from dangjian.duty_review.models import Assignment, CountyEvaluation, DutyReport, Meeting
from dangjian.duty_review.workflow import APPROVE, RETURN, REVIEW_STAGES, SUBMIT, stage_body
from dangjian.notify.services import account_of, accounts_covering, notify, notify_all
from dangjian.org.scope import Perm


def _label(a: Assignment) -> str:
    return f"{a.reporter.name}的{a.plan.year.year}年度述职报告（{a.get_tier_display()}）"


def report_step(*, actor: Any, report: DutyReport, action: str, opinion: str, n: int) -> None:
    """After a report moves: the reviewers of its new stage get it; the reporter hears of an
    approval or a return. `n` (the number of steps so far) keys each notification once."""
    a = report.assignment
    url = reverse("duty_review:report_detail", args=[report.pk])
    key = f"duty_review:report:{report.pk}:{n}"
    reporter = account_of(a.reporter)
    status = report.get_status_display()
    if report.status in REVIEW_STAGES:
        body = stage_body(a, report.status)
        if body is not None:
            notify_all(event="duty_review.report_submitted",
                       recipients=accounts_covering(Perm.DUTY_REVIEW, body), skip=actor,
                       key=key, title=f"待审核：{_label(a)}", url=url,
                       body=f"{a.reporter_body.name}{a.reporter.name}的述职报告已报至"
                            f"{body.name}，当前为“{status}”，请审核。")
    if reporter is None or action == SUBMIT:
        return
    if action == RETURN:
        notify(event="duty_review.report_returned", recipient=reporter, key=key, url=url,
               title=f"述职报告被退回修改：{_label(a)}",
               body=f"修改意见：{opinion}。请按意见修改后重新报送。")
    elif action == APPROVE:
        notify(event="duty_review.report_approved", recipient=reporter, key=key, url=url,
               title=f"述职报告已通过审核：{_label(a)}",
               body=f"当前为“{status}”。" + (f"意见：{opinion}" if opinion else ""))


def meeting_scheduled(*, actor: Any, meeting: Meeting) -> None:
    url = reverse("duty_review:my_reports")
    when = f"{meeting.held_on:%Y年%m月%d日}" + (f"，地点：{meeting.place}" if meeting.place else "")
    for item in meeting.agenda.select_related("assignment__reporter__account"):
        notify(event="duty_review.meeting_scheduled",
               recipient=account_of(item.assignment.reporter),
               key=f"duty_review:meeting:{meeting.pk}", url=url,
               title=f"述职评议安排：{meeting.title}",
               body=f"您列入{meeting.title}（{meeting.get_form_display()}），时间：{when}。"
                    "请做好述职准备。")


def evaluated(*, evaluation: CountyEvaluation) -> None:
    a = evaluation.assignment
    notify(event="duty_review.evaluated", recipient=account_of(a.reporter),
           key=f"duty_review:evaluation:{evaluation.pk}:{evaluation.grade}",
           url=reverse("duty_review:my_reports"),
           title=f"县委综合考评结果：{a.plan.year.year}年度述职",
           body=f"县委综合考评等次：{evaluation.get_grade_display()}。考评意见：{evaluation.opinion}")
