"""督查考评 (R3.4–R3.6): routine notes, the annual evaluation, 提醒 → 约谈 → 通报 → 追责 step by
step with evidence, and commendations. Only 县纪委 and 工委 (RESP_OVERSEE) write here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.core.grades import Grade
from dangjian.cycles.models import Year
from dangjian.evidence.services import evidence_attach, evidence_check
from dangjian.org.models import Body
from dangjian.responsibility.models import (
    LADDER,
    Case,
    CaseStep,
    Commendation,
    Evaluation,
    NoteKind,
    SpotCheckTarget,
    Stage,
    SupervisionNote,
    reachable_stages,
    skips_ladder,
)
from dangjian.responsibility.services.common import (
    actor_name,
    list_kind_for,
    require_oversee,
    user_or_none,
)
from dangjian.responsibility.services.records import Upload
from dangjian.trail.changes import change_record, snapshot


def _require_owner_body(body: Body) -> None:
    if list_kind_for(body) is None:
        raise ValidationError("督查考评的对象应为机关党组织或机关纪检")


def _day(value: dt.date | None, field: str, label: str, year: Year | None = None
         ) -> dt.date:
    if value is None:
        raise ValidationError({field: f"请填写{label}"})
    if value > timezone.localdate():
        raise ValidationError({field: f"{label}不能晚于今天"})
    if year is not None and value < year.starts:
        raise ValidationError({field: f"{label}不能早于{year.year}年1月1日"})
    return value


@transaction.atomic
def note_add(*, actor: Any, year: Year, body: Body, content: str, noted_on: dt.date | None,
             kind: str = NoteKind.ROUTINE) -> SupervisionNote:
    require_oversee(actor, body)
    _require_owner_body(body)
    if kind not in NoteKind.values:
        raise ValidationError({"kind": "请选择督查方式"})
    if not content.strip():
        raise ValidationError({"content": "请填写督查情况"})
    note = SupervisionNote(year=year, body=body, kind=kind, content=content.strip(),
                           noted_on=_day(noted_on, "noted_on", "督查日期", year),
                           author=user_or_none(actor), author_name=actor_name(actor))
    note.full_clean()
    note.save()
    change_record(actor=actor, action="create", obj=note, after=snapshot(note))
    return note


@transaction.atomic
def evaluation_set(*, actor: Any, year: Year, body: Body, grade: str, opinion: str
                   ) -> Evaluation:
    """The annual evaluation: one per organisation and year; setting it again is traced."""
    require_oversee(actor, body)
    _require_owner_body(body)
    errors = {}
    if grade not in Grade.values:
        errors["grade"] = "请选择等次（好、较好、一般、差）"
    if not opinion.strip():
        errors["opinion"] = "请填写考评意见"
    if errors:
        raise ValidationError(errors)
    evaluation = Evaluation.objects.filter(year=year, body=body).first()
    before = snapshot(evaluation) if evaluation else None
    evaluation = evaluation or Evaluation(year=year, body=body)
    evaluation.grade, evaluation.opinion = grade, opinion.strip()
    evaluation.evaluated_on, evaluation.evaluator_name = timezone.localdate(), actor_name(actor)
    evaluation.full_clean()
    evaluation.save()
    change_record(actor=actor, action="update" if before else "create", obj=evaluation,
                  before=before, after=snapshot(evaluation))
    return evaluation


@transaction.atomic
def commendation_add(*, actor: Any, year: Year, body: Body, reason: str,
                     commended_on: dt.date | None = None) -> Commendation:
    require_oversee(actor, body)
    _require_owner_body(body)
    if not reason.strip():
        raise ValidationError({"reason": "请填写表扬事由"})
    praise = Commendation(year=year, body=body, reason=reason.strip(),
                          commended_on=_day(commended_on or timezone.localdate(),
                                            "commended_on", "表扬日期"),
                          issuer_name=actor_name(actor))
    praise.full_clean()
    praise.save()
    change_record(actor=actor, action="create", obj=praise, after=snapshot(praise))
    return praise


def _require_ladder(current: str | None, stage: str, skip_reason: str) -> None:
    """提醒 → 约谈 → 通报 → 追责 step by step; leaving a step out needs a recorded reason."""
    target = Stage(stage).label if stage in Stage.values else stage
    if stage not in reachable_stages(current):
        if current is None:
            raise ValidationError({"stage": f"不能以“{target}”立案：请从提醒开始"})
        raise ValidationError({"stage": f"当前阶段为“{Stage(current).label}”，不能进入“{target}”"
                                        "（须逐级进行，不能回退）"})
    if skips_ladder(current, stage) and not skip_reason.strip():
        left_out = "、".join(Stage(s).label for s in LADDER[
            (LADDER.index(current) + 1 if current in LADDER else 0):LADDER.index(stage)])
        raise ValidationError({"skip_reason": f"须逐级进行：直接进入“{target}”跳过了“{left_out}”，"
                                              "请填写越级处理的理由"})


def _step(actor: Any, case: Case, *, stage: str, held_on: dt.date | None, by_whom: str,
          whom: str, content: str, follow_up: str, files: list[Upload],
          skip_reason: str = "") -> CaseStep:
    errors: dict[str, str] = {}
    if not by_whom.strip():
        errors["by_whom"] = "请填写谈话人或经办人"
    if stage in (Stage.REMIND, Stage.TALK) and not whom.strip():
        errors["whom"] = "请填写提醒或约谈对象"
    if not content.strip():
        errors["content"] = "请填写内容"
    if errors:
        raise ValidationError(errors)
    for name, data in files:
        evidence_check(name, data)
    step = CaseStep(case=case, stage=stage, held_on=_day(held_on, "held_on", "时间"),
                    by_whom=by_whom.strip(), whom=whom.strip(), content=content.strip(),
                    follow_up=follow_up.strip(), actor_name=actor_name(actor),
                    skip_reason=skip_reason.strip())
    step.full_clean()
    step.save()
    for name, data in files:
        evidence_attach(actor=actor, record=step, name=name, data=data)
    change_record(actor=actor, action="create", obj=step, after=snapshot(step))
    return step


@transaction.atomic
def case_open(*, actor: Any, year: Year, body: Body, problem: str, stage: str,
              held_on: dt.date | None, by_whom: str, whom: str, content: str,
              follow_up: str = "", files: list[Upload] | None = None,
              target: SpotCheckTarget | None = None, skip_reason: str = "") -> Case:
    """A problem found: the first 提醒 with the organisation (a higher step, for a serious
    problem, only with the reason recorded)."""
    require_oversee(actor, body)
    _require_owner_body(body)
    if not problem.strip():
        raise ValidationError({"problem": "请填写发现的问题"})
    _require_ladder(None, stage, skip_reason)
    case = Case(year=year, body=body, problem=problem.strip(), stage=stage, target=target)
    case.full_clean()
    case.save()
    change_record(actor=actor, action="create", obj=case, after=snapshot(case))
    _step(actor, case, stage=stage, held_on=held_on, by_whom=by_whom, whom=whom,
          content=content, follow_up=follow_up, files=files or [],
          skip_reason=skip_reason if skips_ladder(None, stage) else "")
    return case


@transaction.atomic
def case_escalate(*, actor: Any, case: Case, stage: str, held_on: dt.date | None,
                  by_whom: str, whom: str, content: str, follow_up: str = "",
                  files: list[Upload] | None = None, skip_reason: str = "") -> Case:
    """The next step: one at a time along 提醒 → 约谈 → 通报 → 追责 (a skipped step only with
    the reason recorded), or 销号 when resolved."""
    case = Case.objects.select_for_update().select_related("body", "year").get(pk=case.pk)
    require_oversee(actor, case.body)
    _require_ladder(case.stage, stage, skip_reason)
    before = Stage(case.stage).label
    _step(actor, case, stage=stage, held_on=held_on, by_whom=by_whom, whom=whom,
          content=content, follow_up=follow_up, files=files or [],
          skip_reason=skip_reason if skips_ladder(case.stage, stage) else "")
    case.stage = stage
    case.save(update_fields=["stage"])
    change_record(actor=actor, action="update", obj=case, before={"阶段": before},
                  after={"阶段": Stage(stage).label})
    return case

