"""述职评议 on the workbench: the reviewers' queue and 县委's 综合考评, computed from the reports
and meetings (a reporter's own report is a stored task, see services.plans._task); and the
notifications the workflow sends."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count
from django.urls import reverse

from dangjian.ballots.models import BoxStatus
from dangjian.duty_review.models import Meeting, Tier
from dangjian.duty_review.selectors import review_queue
from dangjian.notify.board import end_of_day
from dangjian.notify.registry import WorkItem, events, own_q, task_source
from dangjian.org.scope import Perm, grants_for

MODULE = "述职评议"

events(MODULE, {
    "duty_review.report_submitted": "收到待审核的述职报告",
    "duty_review.report_approved": "述职报告通过本环节审核",
    "duty_review.report_returned": "述职报告被退回修改",
    "duty_review.meeting_scheduled": "述职评议会已安排",
    "duty_review.evaluated": "县委综合考评结果",
})


@task_source(MODULE)
def reports_to_review(user: Any) -> Iterator[WorkItem]:
    waiting = review_queue(user=user)  # the queue page's own list: the count matches it
    if waiting:
        first = waiting[0][0]
        yield WorkItem(module=MODULE, key="duty_review:queue", state="待审核",
                       title=f"审核{first.assignment.plan.year.year}年度述职报告",
                       url=reverse("duty_review:review_queue"), count=len(waiting),
                       year=first.assignment.plan.year)


@task_source(MODULE)
def county_evaluations(user: Any) -> Iterator[WorkItem]:
    """Meetings of the third tier whose ballots are closed and whose reporters 县委 has not yet
    given its 综合考评."""
    if not grants_for(user, Perm.DUTY_EVALUATE):
        return
    meetings = (Meeting.objects.filter(own_q(user, Perm.DUTY_EVALUATE, "upper_body"),
                                       tier=Tier.LEADERSHIP, box__status=BoxStatus.CLOSED,
                                       agenda__assignment__county_evaluation__isnull=True)
                .annotate(n=Count("agenda")).select_related("plan__year").order_by("held_on"))
    for meeting in meetings:
        yield WorkItem(module=MODULE, key=f"duty_review:evaluate:{meeting.pk}", state="待考评",
                       title=f"县委综合考评：{meeting.title}",
                       url=reverse("duty_review:meeting_results", args=[meeting.pk]),
                       count=meeting.n, year=meeting.plan.year)


@task_source(MODULE)
def meetings_to_hold(user: Any) -> Iterator[WorkItem]:
    """Meetings put to the user's body whose ballots are not yet closed: to hold (agenda,
    codes, 点评/询问) and to close."""
    if not grants_for(user, Perm.DUTY_MEETING):
        return
    meetings = (Meeting.objects.filter(own_q(user, Perm.DUTY_MEETING, "upper_body"),
                                       box__isnull=False)
                .exclude(box__status=BoxStatus.CLOSED)
                .annotate(n=Count("agenda")).select_related("plan__year").order_by("held_on"))
    for meeting in meetings[:10]:
        yield WorkItem(module=MODULE, key=f"duty_review:meeting:{meeting.pk}", state="待召开",
                       title=f"主持{meeting.title}", count=meeting.n, year=meeting.plan.year,
                       url=reverse("duty_review:meeting_detail", args=[meeting.pk]),
                       due_at=end_of_day(meeting.held_on))
