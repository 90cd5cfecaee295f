"""The busiest pages of the modules run the same number of queries whatever the data size:
each is requested with few rows, the rows are multiplied, and it is requested again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.assessment.services import team_create
from dangjian.assessment.testing import published_scheme
from dangjian.duty_review.models import Form
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import assignment_add, meeting_create, report_transition
from dangjian.duty_review.services.meetings import meeting_rectification
from dangjian.duty_review.testing import assignment_of, close, fill, published_plan
from dangjian.testing import _dept, make_person


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _same_at_two_sizes(client: Any, url: str | Callable[[], str], grow: Callable[[], Any]
                       ) -> None:
    def address() -> str:
        return url() if callable(url) else url

    client.get(address())  # the first request of a session may set it up
    few = _queries(client, address())
    grow()
    more = _queries(client, address())
    assert more == few, f"{address()}: {few} queries with few rows, {more} with more"


def _submit(*reports: Any) -> None:
    for report in reports:
        fill(report)
        report_transition(actor=None, report=report, action="submit", check_scope=False)


def _people(branch: Any, unit: Any, n: int, prefix: str) -> list[Any]:
    return [make_person(unit, branch, f"{prefix}{i}号") for i in range(n)]


@pytest.mark.req("R1.3")
def test_assessment_overview(county: Any, login: Any) -> None:
    admin = county.user("wc_admin")
    scheme = published_scheme(county)
    a, b = county.depts[0], county.depts[1]
    team_create(actor=admin, scheme=scheme, name="第一考核组", leader=admin, members=[admin],
                units=[a.unit])
    more = [b.unit] + [_dept(county.root, name).unit for name in ("县交通局", "县水利局")]
    _same_at_two_sizes(login(admin), "/assessment/", lambda: team_create(
        actor=admin, scheme=scheme, name="第二考核组", leader=admin, members=[admin],
        units=more))


@pytest.mark.req("R2.3")
def test_plan_page(county: Any, login: Any) -> None:
    admin = county.user("wc_admin")
    plan = published_plan()
    dept = county.depts[1]

    def grow() -> None:
        for person in _people(dept.branches[1], dept.unit, 8, "新增"):
            assignment_add(actor=admin, plan=plan, tier=Tier.MEMBER, reporter=person,
                           reporter_body=dept.branches[1], form=Form.WRITTEN)

    _same_at_two_sizes(login(admin), f"/duty-review/plans/{plan.pk}/", grow)


@pytest.mark.req("R2.4", "R0.10")
@pytest.mark.parametrize("role", ["wc_admin", "org_secretary"])
def test_review_queue_and_workbench(county: Any, login: Any, role: str) -> None:
    a = county.depts[0]
    # More reporters in the first branch, whose secretary makes the first review.
    _people(a.branches[0], a.unit, 6, "党员")
    plan = published_plan()
    reports = [assignment_of(plan, p).report for p in _branch_people(a, plan)]
    _submit(reports[0])
    client = login(county.user(role))
    _same_at_two_sizes(client, "/duty-review/queue/", lambda: _submit(*reports[1:4]))
    _same_at_two_sizes(client, "/", lambda: _submit(*reports[4:]))


def _branch_people(dept: Any, plan: Any) -> list[Any]:
    from dangjian.org.models import Person

    return list(Person.objects.filter(branch=dept.branches[0], duty_assignments__plan=plan,
                                      duty_assignments__tier=Tier.MEMBER).order_by("pk"))


@pytest.mark.req("R2.7", "R2.8")
def test_meeting_results(county: Any, login: Any) -> None:
    admin = county.user("wc_admin")
    a, b = county.depts[0], county.depts[1]
    _people(b.branches[0], b.unit, 10, "党员")  # 3 reporters in a's branch, 13 in b's
    plan = published_plan()
    today = timezone.localdate()
    meetings = [close(meeting_create(actor=None, plan=plan, upper_body=dept.branches[0],
                                     tier=Tier.MEMBER, held_on=today, check_scope=False))
                for dept in (a, b)]
    for meeting in meetings:
        meeting_rectification(actor=None, meeting=meeting, check_scope=False)
    assert meetings[1].agenda.count() > 3 * meetings[0].agenda.count()
    client = login(admin)
    client.get(f"/duty-review/meetings/{meetings[0].pk}/results/")
    few = _queries(client, f"/duty-review/meetings/{meetings[0].pk}/results/")
    more = _queries(client, f"/duty-review/meetings/{meetings[1].pk}/results/")
    assert more == few


@pytest.mark.req("R3.2")
def test_responsibility_overview(county: Any, login: Any) -> None:
    _same_at_two_sizes(login(county.user("wc_admin")), "/responsibility/", lambda: [
        _dept(county.root, name) for name in ("县交通局", "县水利局", "县农业局")])
