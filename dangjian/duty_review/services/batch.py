"""Reviewing many 述职报告 at once (R2.4): one opinion, each report through `report_transition`.

Every report keeps its own step, its own trace entry and its own checks; a report the reviewer
may not act on (another stage, out of scope, changed meanwhile) is refused with its reason while
the others go on (see `dangjian.core.batch`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError

from dangjian.core.batch import BatchOutcome, run_each
from dangjian.duty_review.models import DutyReport
from dangjian.duty_review.services.reports import report_transition
from dangjian.duty_review.workflow import APPROVE, RETURN


def report_review_batch(*, actor: Any, report_ids: Sequence[int], action: str,
                        opinion: str = "") -> BatchOutcome[DutyReport, DutyReport]:
    """Approve or return each selected report with the same opinion."""
    if action not in {APPROVE, RETURN}:
        raise ValidationError("未知的操作")
    if not report_ids:
        raise ValidationError("请先勾选要办理的述职报告")
    opinion = opinion.strip()
    if action == RETURN and not opinion:
        raise ValidationError({"opinion": "退回时请填写修改意见"})
    found = DutyReport.objects.select_related("assignment__reporter").in_bulk(list(report_ids))
    if len(found) != len(set(report_ids)):
        raise ValidationError("所选述职报告有的已不存在，请刷新页面后重新选择")
    reports = [found[pk] for pk in dict.fromkeys(report_ids)]
    return run_each(reports, lambda r: report_transition(
        actor=actor, report=r, action=action, opinion=opinion))
