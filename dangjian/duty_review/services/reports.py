"""A reporter's 述职报告 (R2.2, R2.4, R2.9): saved as append-only versions, moved along the one
transition table by `report_transition`, every step with its opinion kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.actors import acting_user, actor_label
from dangjian.duty_review.models import DutyReport, ReportStatus, ReportStep, ReportVersion
from dangjian.duty_review.points import RECTIFICATION, Section, sections_for
from dangjian.duty_review.services import notices
from dangjian.duty_review.services.plans import SOURCE, _task
from dangjian.duty_review.workflow import (
    APPROVE,
    EDITABLE,
    PASS,
    REPORTER,
    RETURN,
    REVIEW_STAGES,
    SUBMIT,
    TRANSITIONS,
    stage_body,
)
from dangjian.notify.services import task_close
from dangjian.org.scope import Perm, grants_for, require_body
from dangjian.rectification.selectors import CarriedItem, previous_year_items
from dangjian.trail.changes import change_record

MAX_SECTION = 20000


def carried_items(report: DutyReport) -> list[CarriedItem]:
    """Last year's rectification items of this reporter (R2.9)."""
    a = report.assignment
    return previous_year_items(year=a.plan.year, source=SOURCE, owner_body=a.reporter_body,
                               owner_person=a.reporter)


def report_sections(report: DutyReport, carried: list[CarriedItem] | None = None
                    ) -> list[Section]:
    if carried is None:
        carried = carried_items(report)
    return sections_for(report.assignment.tier, with_rectification=bool(carried))


def latest_version(report: DutyReport) -> ReportVersion | None:
    return report.versions.order_by("-number").first()


def is_reporter(user: Any, report: DutyReport) -> bool:
    person_id = getattr(user, "person_id", None)
    return bool(person_id) and person_id == report.assignment.reporter_id


def reviewer_here(user: Any, report: DutyReport) -> bool:
    """Whether the user reviews for the body at the report's current stage."""
    if report.status not in REVIEW_STAGES:
        return False
    body = stage_body(report.assignment, report.status)
    return body is not None and any(g.covers_path(body.path)
                                    for g in grants_for(user, Perm.DUTY_REVIEW))


def _require_reporter(user: Any, report: DutyReport) -> None:
    if not is_reporter(user, report):
        raise PermissionDenied("只有述职人本人可以撰写和报送述职报告")


def _not_editable(report: DutyReport) -> ValidationError:
    if report.status == ReportStatus.APPROVED:
        return ValidationError("述职报告已审定，不能再修改")
    return ValidationError(f"述职报告当前为“{report.get_status_display()}”，不能修改")


@transaction.atomic
def report_save(*, actor: Any, report: DutyReport, sections: Mapping[str, str],
                check_scope: bool = True) -> ReportVersion:
    """Save the reporter's text as a new version (unchanged text adds none)."""
    if check_scope:
        _require_reporter(actor, report)
    report = DutyReport.objects.select_for_update(of=("self",)).select_related(
        "assignment__plan__year", "assignment__reporter_body").get(pk=report.pk)
    if report.status not in EDITABLE:
        raise _not_editable(report)
    keys = {s.key for s in report_sections(report)}
    if set(sections) - keys:
        raise ValidationError("表单内容无效，请刷新页面后重新填写")
    text = {k: str(sections.get(k, "")).replace("\r\n", "\n").strip() for k in sorted(keys)}
    too_long = [k for k, v in text.items() if len(v) > MAX_SECTION]
    if too_long:
        raise ValidationError(f"每部分不超过{MAX_SECTION}字")
    last = latest_version(report)
    if last is not None and last.sections == text:
        return last
    version = ReportVersion.objects.create(
        report=report, number=(last.number if last else 0) + 1, sections=text,
        author=actor if getattr(actor, "is_authenticated", False) else None)
    change_record(actor=actor, action="update", obj=report,
                  after={"保存版本": version.number})
    return version


def _check_complete(report: DutyReport) -> int:
    """Refuse submission until every section is written; returns the version submitted."""
    last = latest_version(report)
    sections = report_sections(report)
    text = last.sections if last else {}
    if any(s.key == RECTIFICATION for s in sections) and not text.get(RECTIFICATION, "").strip():
        raise ValidationError("请先填写“上年度整改情况专题汇报”，逐项说明上年度整改事项的落实情况，"
                              "再报送述职报告")
    missing = [s.title for s in sections if not text.get(s.key, "").strip()]
    if missing:
        raise ValidationError("以下部分尚未填写：" + "；".join(m[:24] for m in missing))
    assert last is not None
    return last.number


def report_transition(*, actor: Any, report: DutyReport, action: str, opinion: str = "",
                      check_scope: bool = True) -> DutyReport:
    """Move a report along TRANSITIONS: who may, guards, the step and the trace in one place."""
    with transaction.atomic():
        report = DutyReport.objects.select_for_update(of=("self",)).select_related(
            "assignment__plan__owner_body", "assignment__plan__year",
            "assignment__reporter_body", "assignment__reporter__account").get(pk=report.pk)
        a = report.assignment
        move = TRANSITIONS.get((report.status, action))
        if move is None:
            raise ValidationError(f"述职报告当前为“{report.get_status_display()}”，不能进行此操作")
        to, side = move
        body_name = ""
        if side == REPORTER:
            if check_scope:
                _require_reporter(actor, report)
        else:
            body = stage_body(a, side)
            if body is None:
                raise ValidationError("该审核环节没有对应的组织")
            if check_scope:
                require_body(actor, Perm.DUTY_REVIEW, body)
            body_name = body.name
        opinion = opinion.strip()
        if action == RETURN and not opinion:
            raise ValidationError({"opinion": "退回时请填写修改意见"})
        if action == APPROVE and side == ReportStatus.WORK_COMMITTEE and not opinion:
            raise ValidationError({"opinion": "请填写工委审定意见"})
        version = _check_complete(report) if action == SUBMIT else (
            (latest_version(report) or ReportVersion(number=0)).number)
        user, name = acting_user(actor), actor_label(actor)
        steps = [ReportStep(report=report, action=action, status_from=report.status,
                            status_to=to, opinion=opinion, version=version, actor=user,
                            actor_name=name, body_name=body_name)]
        # A stage with no body (no 党组 in this unit) is passed, and the pass is recorded.
        while to in REVIEW_STAGES and stage_body(a, to) is None:
            nxt, _ = TRANSITIONS[(to, APPROVE)]
            steps.append(ReportStep(report=report, action=PASS, status_from=to, status_to=nxt,
                                    opinion="本单位未设该审核组织，自动转入下一环节",
                                    version=version, actor=None, actor_name="系统"))
            to = nxt
        before = report.get_status_display()
        report.status = to
        now = timezone.now()
        if action == SUBMIT and report.submitted_at is None:
            report.submitted_at = now
        if to == ReportStatus.APPROVED:
            report.approved_at, report.approval_opinion = now, opinion
        report.save(update_fields=["status", "submitted_at", "approved_at", "approval_opinion"])
        ReportStep.objects.bulk_create(steps)
        change_record(actor=actor, action="update", obj=report, before={"状态": before},
                      after={"状态": report.get_status_display()}, note=opinion)
        key = f"duty_review:report:{report.pk}"
        if action == SUBMIT:
            task_close(key=key)
        elif to == ReportStatus.RETURNED:
            _task(report)
        notices.report_step(actor=actor, report=report, action=action, opinion=opinion,
                            n=report.steps.count())
    return report
