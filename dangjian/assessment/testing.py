"""A published year of 党建考核 on the test county, for service tests and the scope matrix.

The first department's assessment ("assessment_own") is in the charge of a team that holds the
工委 administrator and a 工委 staff member; the other department's ("assessment_other") of a team
the administrator is not on. Each has one record of every kind, scores, a judgement and a sent
feedback letter.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.services import role_grant, user_create
from dangjian.assessment.models import Assessment, Leader, Scheme, SubjectKind
from dangjian.assessment.selectors import report_summary, results
from dangjian.assessment.services import (
    feedback_save,
    feedback_transition,
    hearing_add,
    interview_add,
    judgement_save,
    observation_add,
    report_ensure,
    report_save,
    scheme_create,
    scheme_publish,
    scores_save,
    site_visit_add,
    team_create,
)
from dangjian.cycles.services import year_ensure
from dangjian.org.models import Role
from dangjian.scoring.selectors import leaves

STAFF_PASSWORD = "Dangjian-test-2026"


def staff_user(county: Any, username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(actor=None, username=username, password=STAFF_PASSWORD,
                           full_name=f"工委{username}", check_scope=False)
        role_grant(actor=None, user=user, role=Role.WORK_COMMITTEE_STAFF, body=county.root,
                   check_scope=False)
    return user


def published_scheme(county: Any, year: int | None = None) -> Scheme:
    admin = county.user("wc_admin")
    y = year_ensure(year=year or timezone.localdate().year, make_current=year is None)
    scheme = Scheme.objects.filter(year=y).first() or scheme_create(actor=admin, year=y)
    if scheme.set_leading_group.status != "published":
        scheme = scheme_publish(actor=admin, scheme=scheme)
    return scheme


def score_all(actor: Any, assessment: Assessment, share: float) -> None:
    """Score every subject of the assessment at `share` of each maximum."""
    scheme = assessment.scheme
    subjects: list[tuple[str, Any]] = [(SubjectKind.LEADING_GROUP, None)]
    subjects += [(leader.kind, leader.person) for leader in
                 Leader.objects.filter(assessment=assessment).select_related("person")]
    for kind, person in subjects:
        entries = [(leaf, str(round(float(leaf.max_points) * share, 1)), "对照材料评分")
                   for leaf in leaves(scheme.set_of(kind))]
        scores_save(actor=actor, assessment=assessment, kind=kind, person=person,
                    entries=entries)


def assessed_year(county: Any, *, send_other: bool = True) -> dict[str, Any]:
    admin, staff = county.user("wc_admin"), staff_user(county, "t_wc_staff")
    other_staff = staff_user(county, "t_wc_staff2")
    scheme = published_scheme(county)
    a, b = county.depts[0], county.depts[1]
    team_a = team_create(actor=admin, scheme=scheme, name="第一考核组", leader=admin,
                         members=[admin, staff], units=[a.unit])
    team_b = team_create(actor=admin, scheme=scheme, name="第二考核组", leader=other_staff,
                         members=[other_staff], units=[b.unit])
    own = team_a.assessments.get()
    other = team_b.assessments.get()
    today = timezone.localdate()
    out: dict[str, Any] = {"assess_scheme": scheme, "assessment_own": own,
                           "assessment_other": other, "team_own": team_a, "team_other": team_b}
    for suffix, assessment, actor in (("own", own, admin), ("other", other, other_staff)):
        hearing_add(actor=actor, assessment=assessment, held_on=today, reporter="党组书记",
                    summary="全年党建工作汇报")
        out[f"interview_{suffix}"] = interview_add(
            actor=actor, assessment=assessment, held_on=today, interviewee="机关党委书记",
            notes="谈话内容：对班子成员的意见（保密）")
        out[f"site_visit_{suffix}"] = site_visit_add(
            actor=actor, assessment=assessment, visited_on=today, checked="党员活动室",
            findings="制度上墙")
        observation_add(actor=actor, year=scheme.year, unit=assessment.unit, observed_on=today,
                        content="按时报送信息")
        score_all(actor, assessment, 0.9 if suffix == "own" else 0.7)
        judgement_save(actor=actor, assessment=assessment, kind=SubjectKind.LEADING_GROUP,
                       person=None, grade="good" if suffix == "own" else "average",
                       reasons="综合得分、民主测评和平时掌握情况")
        feedback = feedback_save(actor=admin, assessment=assessment,
                                 body="现将考核情况反馈如下。",
                                 problems="理论学习不够深入\n党务干部配备不足",
                                 number="示直工〔2026〕1号")
        if suffix == "own" or send_other:
            feedback = feedback_transition(actor=admin, feedback=feedback, to="sent")
        out[f"feedback_{suffix}"] = feedback
    out["assess_indicator"] = leaves(scheme.set_leading_group)[0]
    out["assess_set"] = scheme.set_leading_group
    return out


def matrix_objects(county: Any) -> dict[str, Any]:
    """The assessed year, with what the API's writes need to succeed for the roles allowed
    (a page answers a refused step with a message, the API with a 422): the other
    department's letter still a draft (to be saved and sent), the report numbered (to be
    issued), next year's system a draft (to be edited and published) and the year after
    without one (to be created)."""
    out = assessed_year(county, send_other=False)
    admin = county.user("wc_admin")
    scheme = out["assess_scheme"]
    rows = results(user=admin, scheme=scheme)
    report = report_ensure(actor=admin, scheme=scheme, summary=report_summary(rows))
    report_save(actor=admin, report=report, fields={"number": "示直工〔2026〕9号"})
    draft = scheme_create(actor=admin, year=year_ensure(year=scheme.year.year + 1))
    out["assess_scheme_draft"] = draft
    out["assess_set_draft"] = draft.set_leading_group
    out["assess_indicator_draft"] = leaves(draft.set_leading_group)[0]
    out["assess_year_new"] = year_ensure(year=scheme.year.year + 2)
    out["assess_staff"] = staff_user(county, "t_wc_staff")
    return out
