"""Conducting the assessment (R1.2, R1.3): teams, departments to assess, 民主测评 boxes, the four
kinds of records, 平时掌握 observations, scores and the team's judgements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.assessment import access
from dangjian.assessment.models import (
    Assessment,
    Hearing,
    Interview,
    Judgement,
    Leader,
    Observation,
    Scheme,
    SiteVisit,
    SubjectKind,
    Team,
    subject_key,
)
from dangjian.assessment.services.scheme import scheme_is_published
from dangjian.ballots.services import box_create
from dangjian.core.grades import Grade
from dangjian.cycles.models import Year
from dangjian.org.models import Body, BodyKind, Person, Post, PostKind
from dangjian.scoring import selectors as scoring_selectors
from dangjian.scoring import services as scoring
from dangjian.scoring.models import Indicator
from dangjian.trail.changes import change_record, snapshot

MEMBER_POSTS = (PostKind.LEADING_GROUP_MEMBER, PostKind.PARTY_BUILDING_MEMBER)


@transaction.atomic
def team_create(*, actor: Any, scheme: Scheme, name: str, leader: User | None,
                members: Iterable[User], units: Iterable[Body]) -> Team:
    """A 考核组 and the departments in its charge (assessments are created as needed)."""
    access.require_manage(actor, scheme.owner_body)
    if not name.strip():
        raise ValidationError({"name": "请填写考核组名称"})
    team = Team(scheme=scheme, name=name.strip(), leader=leader)
    team.full_clean()
    team.save()
    people = list(members)
    team.members.set(people)
    names = []
    for unit in units:
        assessment = assessment_ensure(actor=actor, scheme=scheme, unit=unit)
        assessment.team = team
        assessment.save(update_fields=["team"])
        names.append(unit.name)
    change_record(actor=actor, action="create", obj=team,
                  after={"名称": team.name, "组长": str(leader or ""),
                         "成员": [str(u) for u in people], "负责单位": names})
    return team


def _leaders_on(lg: Body, day: dt.date) -> list[tuple[Person, str]]:
    posts = (Post.objects.filter(body=lg).held_on(day)
             .filter(kind__in=(PostKind.LEADING_GROUP_SECRETARY, *MEMBER_POSTS))
             .select_related("person").order_by("start", "id"))
    seen: dict[int, tuple[Person, str]] = {}
    for post in posts:
        kind = (SubjectKind.SECRETARY if post.kind == PostKind.LEADING_GROUP_SECRETARY
                else SubjectKind.MEMBER)
        if post.person_id not in seen or kind == SubjectKind.SECRETARY:
            seen[post.person_id] = (post.person, kind)
    return sorted(seen.values(), key=lambda pk: pk[1] != SubjectKind.SECRETARY)


@transaction.atomic
def assessment_ensure(*, actor: Any, scheme: Scheme, unit: Body) -> Assessment:
    """The department's assessment for the year, with the leaders it assesses (its 党组书记 and
    other 党组成员 holding office at the year's end, or today for the current year)."""
    access.require_manage(actor, scheme.owner_body)
    if unit.kind != BodyKind.UNIT:
        raise ValidationError(f"“{unit.name}”不是部门（单位），不能作为考核对象")
    existing = Assessment.objects.filter(scheme=scheme, unit=unit).first()
    if existing is not None:
        return existing
    lg = Body.objects.filter(parent=unit, kind=BodyKind.LEADING_GROUP,
                             valid_to__isnull=True).first()
    assessment = Assessment.objects.create(scheme=scheme, unit=unit, leading_group=lg)
    day = min(scheme.year.ends, timezone.localdate())
    if lg is not None:
        Leader.objects.bulk_create(
            Leader(assessment=assessment, person=p, kind=k, order=i)
            for i, (p, k) in enumerate(_leaders_on(lg, day)))
    change_record(actor=actor, action="create", obj=assessment,
                  after={"单位": unit.name, "年度": str(scheme.year)})
    return assessment


@transaction.atomic
def poll_create(*, actor: Any, assessment: Assessment) -> Assessment:
    """民主测评 through the ballots engine: the 党组, its 书记 and each 成员 as candidates, the
    box kept by 工委 (the department itself does not run or see its own count)."""
    access.require_conduct(actor, assessment)
    if assessment.box_id:
        raise ValidationError("该单位的民主测评已创建")
    unit = assessment.unit
    candidates = [(f"{unit.name}党组", subject_key(SubjectKind.LEADING_GROUP, unit.pk), "党组")]
    for leader in assessment.leaders.select_related("person"):
        candidates.append((leader.person.name, subject_key(leader.kind, leader.person_id),
                           leader.get_kind_display()))
    box = box_create(actor=actor, title=f"{assessment.scheme.year}{unit.name}机关党建工作民主测评",
                     purpose="assessment", ref=f"assessment:{assessment.pk}",
                     owner_body=assessment.scheme.owner_body, candidates=candidates)
    assessment.box = box
    assessment.save(update_fields=["box"])
    change_record(actor=actor, action="update", obj=assessment, after={"民主测评": box.title})
    return assessment


def _required(**fields: str) -> None:
    labels = {"reporter": "汇报人", "summary": "汇报要点", "interviewee": "谈话对象",
              "notes": "谈话记录", "checked": "察看内容", "findings": "发现情况", "content": "情况"}
    missing = {k: f"请填写{labels[k]}" for k, v in fields.items() if not v.strip()}
    if missing:
        raise ValidationError(missing)


def _check_date(day: dt.date | None, year: Year) -> dt.date:
    if day is None:
        raise ValidationError({"date": "请填写日期"})
    if day > timezone.localdate() or day.year not in (year.year, year.year + 1):
        raise ValidationError({"date": f"日期应在{year.year}年度考核期间且不晚于今天"})
    return day


@transaction.atomic
def hearing_add(*, actor: Any, assessment: Assessment, held_on: dt.date | None, reporter: str,
                summary: str) -> Hearing:
    access.require_conduct(actor, assessment)
    _required(reporter=reporter, summary=summary)
    row = Hearing.objects.create(assessment=assessment, recorded_by=actor,
                                 held_on=_check_date(held_on, assessment.scheme.year),
                                 reporter=reporter.strip(), summary=summary.strip())
    change_record(actor=actor, action="create", obj=row, after=snapshot(row))
    return row


@transaction.atomic
def interview_add(*, actor: Any, assessment: Assessment, held_on: dt.date | None,
                  interviewee: str, notes: str) -> Interview:
    access.require_conduct(actor, assessment)
    _required(interviewee=interviewee, notes=notes)
    row = Interview.objects.create(assessment=assessment, recorded_by=actor,
                                   held_on=_check_date(held_on, assessment.scheme.year),
                                   interviewee=interviewee.strip(), notes=notes.strip())
    # The trace is read more widely than the notes: record that a talk happened, not what.
    change_record(actor=actor, action="create", obj=row, after={"谈话日期": row.held_on},
                  note="个别谈话记录（内容保密）")
    return row


@transaction.atomic
def site_visit_add(*, actor: Any, assessment: Assessment, visited_on: dt.date | None,
                   checked: str, findings: str) -> SiteVisit:
    access.require_conduct(actor, assessment)
    _required(checked=checked, findings=findings)
    row = SiteVisit.objects.create(assessment=assessment, recorded_by=actor,
                                   visited_on=_check_date(visited_on, assessment.scheme.year),
                                   checked=checked.strip(), findings=findings.strip())
    change_record(actor=actor, action="create", obj=row, after=snapshot(row))
    return row


@transaction.atomic
def observation_add(*, actor: Any, year: Year, unit: Body, observed_on: dt.date | None,
                    content: str) -> Observation:
    """Anyone in 工委 (Perm.ASSESS_MANAGE over the department) logs what they noticed."""
    access.require_manage(actor, unit)
    if unit.kind != BodyKind.UNIT:
        raise ValidationError("请选择部门（单位）")
    _required(content=content)
    row = Observation.objects.create(year=year, unit=unit, recorded_by=actor,
                                     observed_on=_check_date(observed_on, year),
                                     content=content.strip())
    change_record(actor=actor, action="create", obj=row, after=snapshot(row))
    return row


def subject_of(assessment: Assessment, kind: str, person: Person | None) -> str:
    """The scoring key for a subject of this assessment; refuses anyone not assessed here."""
    if kind == SubjectKind.LEADING_GROUP:
        return subject_key(kind, assessment.unit_id)
    if person is None or not assessment.leaders.filter(person=person, kind=kind).exists():
        raise ValidationError("该人员不是本单位的被考核对象")
    return subject_key(kind, person.pk)


@transaction.atomic
def scores_save(*, actor: Any, assessment: Assessment, kind: str, person: Person | None,
                entries: Iterable[tuple[Indicator, str, str]]) -> int:
    """Save the assessor's scores for one subject: every entry or none (the first bad one's
    message is raised). Entries with an empty value are skipped."""
    access.require_conduct(actor, assessment)
    if not scheme_is_published(assessment.scheme):
        raise ValidationError("考核指标体系尚未发布，不能评分")
    key = subject_of(assessment, kind, person)
    indicator_set = assessment.scheme.set_of(kind)
    saved = 0
    for indicator, value, reason in entries:
        if indicator.set_id != indicator_set.pk:
            raise ValidationError("指标不属于该考核对象的指标体系")
        if str(value).strip() == "":
            continue
        scoring.score_record(actor=actor, indicator=indicator, subject_key=key, value=value,
                             reason=reason, scope_path=assessment.unit.path)
        saved += 1
    return saved


@transaction.atomic
def judgement_save(*, actor: Any, assessment: Assessment, kind: str, person: Person | None,
                   grade: str, reasons: str) -> Judgement:
    """The team's overall grade with written reasons; the suggested grade and total at the
    time are kept beside it. Changes are traced with before/after."""
    access.require_conduct(actor, assessment)
    key = subject_of(assessment, kind, person)
    if grade not in Grade.values:
        raise ValidationError({"grade": "请选择评价等次（好、较好、一般、差）"})
    if not reasons.strip():
        raise ValidationError({"reasons": "请填写评价理由，没有理由的等次不能确定"})
    result = scoring_selectors.totals(assessment.scheme.set_of(kind), [key]).get(key)
    row = Judgement.objects.select_for_update().filter(
        assessment=assessment, kind=kind, person=person if kind != SubjectKind.LEADING_GROUP
        else None).first()
    before = snapshot(row, ["grade", "reasons"]) if row else None
    if row is None:
        row = Judgement(assessment=assessment, kind=kind,
                        person=None if kind == SubjectKind.LEADING_GROUP else person)
    row.grade, row.reasons, row.decided_by = grade, reasons.strip(), actor
    row.suggested = result.grade if result else ""
    row.total = result.total if result else None
    row.full_clean(validate_constraints=False)
    row.save()
    after = snapshot(row, ["grade", "reasons"])
    if before != after:
        change_record(actor=actor, action="update" if before else "create", obj=row,
                      before=before, after={**after, "建议等次": row.get_suggested_display(),
                                            "得分": row.total})
    return row


def assessments_in_charge(*, user: Any, scheme: Scheme) -> list[Assessment]:
    return list(Assessment.objects.filter(scheme=scheme).filter(
        team__members=user).select_related("unit"))

