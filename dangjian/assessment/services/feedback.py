"""Feedback to the 党组 (R1.4) and the special report to the 县委 (R1.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dangjian.assessment import access
from dangjian.assessment.drafts import unjudged
from dangjian.assessment.models import (
    FEEDBACK_TRANSITIONS,
    Assessment,
    Feedback,
    FeedbackStatus,
    Judgement,
    ReportStatus,
    Scheme,
    SpecialReport,
    SubjectKind,
)
from dangjian.notify.services import notify, task_close, task_open
from dangjian.org.models import PostKind
from dangjian.org.selectors import post_holders
from dangjian.rectification.services import item_add, plan_create
from dangjian.trail.changes import change_record, diff, snapshot

RECTIFY_DAYS = 90  # the deadline for feedback problems, from the day the feedback is sent


@transaction.atomic
def feedback_save(*, actor: Any, assessment: Assessment, body: str, problems: str,
                  number: str = "") -> Feedback:
    access.require_manage(actor, assessment.unit)
    feedback = Feedback.objects.filter(assessment=assessment).first()
    if feedback is not None and feedback.status != FeedbackStatus.DRAFT:
        raise ValidationError("反馈意见已发出，不能再修改")
    if not body.strip():
        raise ValidationError({"body": "请填写反馈意见"})
    before = snapshot(feedback, ["number", "body", "problems"]) if feedback else {}
    feedback = feedback or Feedback(assessment=assessment)
    feedback.body, feedback.problems, feedback.number = body.strip(), problems.strip(), \
        number.strip()
    feedback.full_clean()
    feedback.save()
    b, a = diff(before, snapshot(feedback, ["number", "body", "problems"]))
    if a:
        change_record(actor=actor, action="update" if before else "create", obj=feedback,
                      before=b or None, after=a)
    return feedback


def _secretary_accounts(assessment: Assessment) -> list[Any]:
    if assessment.leading_group is None:
        return []
    people = post_holders(body=assessment.leading_group, kind=PostKind.LEADING_GROUP_SECRETARY,
                          on=timezone.localdate())
    return [p.account for p in people if getattr(p, "account", None) is not None]


def feedback_notice(feedback: Feedback, problems: list[str]) -> str:
    """What the 党组书记 reads in the notification: who sent what, and what to do."""
    a = feedback.assessment
    text = (f"{a.scheme.owner_body.name}向{a.unit.name}党组反馈{a.scheme.year}党建考核意见"
            + (f"（{feedback.number}）" if feedback.number else "") + "，请在7日内签收。")
    if problems:
        text += f"反馈问题{len(problems)}项，已生成整改方案，请按期整改。"
    return text


def _on_sent(actor: Any, feedback: Feedback) -> None:
    a = feedback.assessment
    if not Judgement.objects.filter(assessment=a, kind=SubjectKind.LEADING_GROUP).exists():
        raise ValidationError("请先完成对该单位的研判，再发出反馈意见")
    feedback.sent_at, feedback.sent_by = timezone.now(), actor
    problems = feedback.problem_lines()
    if problems:
        year = a.scheme.year
        plan = plan_create(actor=actor, year=year, source="assessment",
                           source_ref=f"feedback:{feedback.pk}",
                           title=f"{a.unit.name}{year.year}年度党建考核反馈问题整改",
                           owner_body=a.unit, verifier_body=a.scheme.owner_body,
                           check_scope=False)
        deadline = max(timezone.localdate() + dt.timedelta(days=RECTIFY_DAYS), year.starts)
        for problem in problems:
            item_add(actor=actor, plan=plan, problem=problem, deadline=deadline,
                     origin="党建考核反馈", check_scope=False)
        feedback.plan = plan
    url = reverse("assessment:feedback", kwargs={"pk": a.pk})
    for account in _secretary_accounts(a):
        task_open(assignee=account, key=f"assessment:feedback:{feedback.pk}", module="党建考核",
                  title=f"签收{a.scheme.year}党建考核反馈意见", url=url, year=a.scheme.year,
                  due_at=timezone.now() + dt.timedelta(days=7))
        notify(event="assessment.feedback_sent", recipient=account,
               key=f"assessment:feedback:{feedback.pk}", url=url,
               title=f"收到{a.scheme.year}党建考核反馈意见",
               body=feedback_notice(feedback, problems))


def _on_acknowledged(actor: Any, feedback: Feedback) -> None:
    feedback.acknowledged_at, feedback.acknowledged_by = timezone.now(), actor
    task_close(key=f"assessment:feedback:{feedback.pk}")
    a = feedback.assessment
    notify(event="assessment.feedback_acknowledged", recipient=feedback.sent_by,
           key=f"assessment:feedback:{feedback.pk}:ack",
           url=reverse("assessment:feedback", kwargs={"pk": a.pk}),
           title=f"{a.unit.name}已签收{a.scheme.year}党建考核反馈意见",
           body=f"{a.unit.name}党组已于{timezone.localtime():%Y-%m-%d %H:%M}签收反馈意见。")


@transaction.atomic
def feedback_transition(*, actor: Any, feedback: Feedback, to: str) -> Feedback:
    """The one way a feedback's status changes: who may is in FEEDBACK_TRANSITIONS."""
    feedback = Feedback.objects.select_for_update(of=("self",)).select_related(
        "assessment__unit", "assessment__scheme__year", "assessment__scheme__owner_body",
        "assessment__leading_group").get(pk=feedback.pk)
    side = FEEDBACK_TRANSITIONS.get((feedback.status, to))
    a = feedback.assessment
    if side == "manage":
        access.require_manage(actor, a.unit)
    elif side == "receive" and not access.can_receive(actor, a):
        raise PermissionDenied("只有该单位党组可以签收反馈意见")
    if side is None:
        raise ValidationError(f"反馈意见当前为“{feedback.get_status_display()}”，"
                              f"不能改为“{FeedbackStatus(to).label}”")
    before = feedback.get_status_display()
    if to == FeedbackStatus.SENT:
        _on_sent(actor, feedback)
    else:
        _on_acknowledged(actor, feedback)
    feedback.status = to
    feedback.save()
    change_record(actor=actor, action="update", obj=feedback, before={"状态": before},
                  after={"状态": feedback.get_status_display()})
    return feedback


def report_defaults(scheme: Scheme, summary: dict[str, Any]) -> dict[str, str]:
    """A first draft from the results; 工委 rewrites it before issue."""
    year = scheme.year.year
    dist = "，".join(f"“{g}”{n}个" for g, n in summary["distribution"] if n and g != "未研判")
    best = "、".join(summary["best"]) or "（暂无）"
    weak = f"（{'、'.join(summary['weak'])}）" if summary["weak"] else ""
    return {
        "title": f"关于{year}年度县直机关党建工作考核情况的报告",
        "overview": (f"根据县委部署，县直机关工委会同县委组织部对{summary['count']}个"
                     f"县直部门（单位）{year}年度机关党建工作进行了考核，通过听取汇报、"
                     "民主测评、个别谈话、实地察看等方式，结合平时掌握情况进行了总体研判。"
                     f"考核等次为：{dist}。"),
        "highlights": f"考核等次为“好”的单位：{best}。",
        "problems": "\n".join(summary["problems"][:10]) or "（待补充）",
        "suggestions": ("一是压实党组抓机关党建主体责任，把考核结果作为领导班子和领导干部"
                        "年度考核的重要依据。\n"
                        f"二是对考核等次为“一般”“差”的单位{weak}进行约谈，督促整改到位。\n"
                        "三是总结推广好经验好做法，推动机关党建工作创新发展。"),
    }


@transaction.atomic
def report_ensure(*, actor: Any, scheme: Scheme, summary: dict[str, Any]) -> SpecialReport:
    access.require_manage(actor, scheme.owner_body)
    existing = SpecialReport.objects.filter(scheme=scheme).first()
    if existing is not None:
        return existing
    report = SpecialReport(scheme=scheme, **report_defaults(scheme, summary))
    report.full_clean()
    report.save()
    change_record(actor=actor, action="create", obj=report, after={"标题": report.title})
    return report


REPORT_FIELDS = ("number", "title", "overview", "highlights", "problems", "suggestions")


@transaction.atomic
def report_save(*, actor: Any, report: SpecialReport, fields: dict[str, str]) -> SpecialReport:
    access.require_manage(actor, report.scheme.owner_body)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError("专题报告已印发，不能再修改")
    before = snapshot(report, list(REPORT_FIELDS))
    for name in REPORT_FIELDS:
        if name in fields:
            setattr(report, name, fields[name].strip())
    if not report.title:
        raise ValidationError({"title": "请填写标题"})
    report.full_clean()
    report.save()
    b, a = diff(before, snapshot(report, list(REPORT_FIELDS)))
    if a:
        change_record(actor=actor, action="update", obj=report, before=b, after=a)
    return report


@transaction.atomic
def report_issue(*, actor: Any, report: SpecialReport, docx: bytes) -> SpecialReport:
    """Issue: the .docx as rendered now is kept and served from then on."""
    access.require_manage(actor, report.scheme.owner_body)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError("专题报告已印发")
    if not report.number.strip():
        raise ValidationError({"number": "印发前请填写文号"})
    pending = unjudged(report.scheme)
    if pending:
        names = "、".join(pending[:5]) + ("等" if len(pending) > 5 else "")
        raise ValidationError(f"尚有{len(pending)}个单位未研判（{names}），"
                              "请完成全部单位的研判后再印发专题报告")
    report.status, report.issued_at, report.issued_by = ReportStatus.ISSUED, timezone.now(), \
        actor
    report.issued_docx = docx
    report.save()
    change_record(actor=actor, action="update", obj=report, before={"状态": "拟稿"},
                  after={"状态": "已印发", "文号": report.number})
    return report
