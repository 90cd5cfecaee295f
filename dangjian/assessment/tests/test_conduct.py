from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.assessment import access, selectors
from dangjian.assessment.models import Hearing, Judgement, SubjectKind
from dangjian.assessment.services import (
    hearing_add,
    judgement_save,
    observation_add,
    poll_create,
    scores_save,
)
from dangjian.assessment.testing import assessed_year, staff_user
from dangjian.ballots.services import ballot_submit, box_open, codes_issue
from dangjian.scoring.models import Score
from dangjian.scoring.selectors import leaves
from dangjian.trail.models import TrailEntry


@pytest.fixture
def year(county):
    return assessed_year(county)


@pytest.mark.req("R1.2")
def test_records_are_kept_by_the_departments_team_only(county, year):
    own, other = year["assessment_own"], year["assessment_other"]
    admin = county.user("wc_admin")
    n = Hearing.objects.count()
    with pytest.raises(PermissionDenied, match="考核组成员"):
        hearing_add(actor=admin, assessment=other, held_on=timezone.localdate(), reporter="x",
                    summary="y")
    with pytest.raises(ValidationError, match="请填写汇报要点"):
        hearing_add(actor=admin, assessment=own, held_on=timezone.localdate(), reporter="x",
                    summary=" ")
    with pytest.raises(ValidationError, match="日期"):
        hearing_add(actor=admin, assessment=own, held_on=dt.date(2001, 1, 1), reporter="x",
                    summary="y")
    assert Hearing.objects.count() == n


@pytest.mark.req("R1.2")
def test_interview_notes_only_for_the_team_and_work_committee_leaders(county, year):
    own = year["assessment_own"]
    assert access.can_read_interviews(staff_user(county, "t_wc_staff"), own)  # on the team
    assert access.can_read_interviews(county.user("wc_admin"), own)  # a 工委 leader
    assert not access.can_read_interviews(staff_user(county, "t_wc_staff2"), own)
    for role in ("org_dept", "county", "lg_secretary", "discipline", "member"):
        assert not access.can_read_interviews(county.user(role), own), role
    # The trace says a talk happened, never what was said.
    entry = TrailEntry.objects.filter(subject_type="assessment.interview").first()
    assert "保密" not in str(entry.after) and "意见" not in str(entry.after)


@pytest.mark.req("R1.2")
def test_observations_by_work_committee_staff(county, year):
    dept = county.depts[1].unit
    with pytest.raises(PermissionDenied):
        observation_add(actor=county.user("lg_secretary"), year=year["assess_scheme"].year,
                        unit=dept, observed_on=timezone.localdate(), content="x")
    row = observation_add(actor=staff_user(county, "t_wc_staff2"),
                          year=year["assess_scheme"].year, unit=dept,
                          observed_on=timezone.localdate(), content="信息报送及时")
    assert row.pk


@pytest.mark.req("R1.3")
def test_scores_all_or_nothing_and_within_maximum(county, year):
    own = year["assessment_own"]
    admin = county.user("wc_admin")
    first, second = leaves(own.scheme.set_leading_group)[:2]
    before = list(Score.objects.filter(assessor=admin).values_list("pk", "value"))
    with pytest.raises(ValidationError, match=r"得分应在0至5\.00分之间"):
        scores_save(actor=admin, assessment=own, kind=SubjectKind.LEADING_GROUP, person=None,
                    entries=[(first, "1", "理由"), (second, "6", "超过满分")])
    assert list(Score.objects.filter(assessor=admin).values_list("pk", "value")) == before
    with pytest.raises(PermissionDenied):
        scores_save(actor=admin, assessment=year["assessment_other"],
                    kind=SubjectKind.LEADING_GROUP, person=None, entries=[(first, "1", "x")])


@pytest.mark.req("R1.3")
def test_judgement_needs_reasons_and_is_traced(county, year):
    own, admin = year["assessment_own"], county.user("wc_admin")
    with pytest.raises(ValidationError, match="请填写评价理由"):
        judgement_save(actor=admin, assessment=own, kind=SubjectKind.LEADING_GROUP,
                       person=None, grade="poor", reasons="")
    with pytest.raises(PermissionDenied):
        judgement_save(actor=admin, assessment=year["assessment_other"],
                       kind=SubjectKind.LEADING_GROUP, person=None, grade="poor", reasons="x")
    assert Judgement.objects.get(assessment=own, kind="leading_group").grade == "good"
    j = judgement_save(actor=admin, assessment=own, kind=SubjectKind.LEADING_GROUP,
                       person=None, grade="fairly_good", reasons="测评“较好”票偏多")
    assert j.suggested == "good" and j.total == Decimal("90.00")
    entry = TrailEntry.objects.filter(subject_type="assessment.judgement",
                                      subject_id=str(j.pk)).last()
    assert entry.before["评价等次"] == "好" and entry.after["评价等次"] == "较好"
    assert entry.actor_id == admin.pk and entry.at
    secretary = own.leaders.get(kind="secretary").person
    j2 = judgement_save(actor=admin, assessment=own, kind=SubjectKind.SECRETARY,
                        person=secretary, grade="good", reasons="履行第一责任人职责到位")
    assert j2.person == secretary
    with pytest.raises(ValidationError, match="不是本单位的被考核对象"):
        judgement_save(actor=admin, assessment=own, kind=SubjectKind.SECRETARY,
                       person=county.depts[1].people[0], grade="good", reasons="x")


@pytest.mark.req("R1.2", "R1.3")
def test_poll_through_ballots_feeds_the_explanation(county, year):
    own, admin = year["assessment_own"], county.user("wc_admin")
    poll_create(actor=admin, assessment=own)
    own.refresh_from_db()
    box = own.box
    refs = list(box.candidates.values_list("ref", flat=True))
    assert refs[0] == f"body:{own.unit_id}" and len(refs) == 1 + own.leaders.count()
    codes = codes_issue(actor=admin, box=box, count=3)
    box_open(actor=admin, box=box)
    for code, grade in zip(codes, ["good", "fairly_good", "fairly_good"], strict=True):
        ballot_submit(box_id=box.pk, code=code,
                      grades={str(c.pk): grade for c in box.candidates.all()})
    ex = selectors.explain(assessment=own, kind=SubjectKind.LEADING_GROUP, person=None)
    assert ex.poll_counts == {"good": 1, "fairly_good": 2} and ex.poll == "fairly_good"
    assert ex.suggested == "good" and ex.breakdown.total == Decimal("90.00")
    assert ex.movers and ex.movers[0].lost > 0 and ex.rows[0].reasons
    with pytest.raises(ValidationError, match="已创建"):
        poll_create(actor=admin, assessment=own)


@pytest.mark.req("R1.3")
def test_results_in_a_fixed_number_of_queries(county, year, django_assert_max_num_queries):
    admin = county.user("wc_admin")
    with django_assert_max_num_queries(20):
        rows = selectors.results(user=admin, scheme=year["assess_scheme"])
    assert [r.dept.final for r in rows] == ["good", "average"]
    assert rows[0].dept.total.grade == "good" and rows[1].dept.total.grade == "average"
    assert rows[0].leaders[0].kind == "secretary"
    # The department's own secretary sees nothing of the results list.
    assert selectors.results(user=county.user("lg_secretary"), scheme=year["assess_scheme"]) == []
