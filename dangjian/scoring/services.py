"""Every write of the scoring engine: validated, atomic, traced.

Who may call them is the calling module's decision (it checks scope first); the engine guards
the rules every user of it shares: a published set is locked, a score stays within its
indicator's maximum and carries a reason, thresholds fall with the grades.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.org.models import Body
from dangjian.scoring.models import (
    SET_TRANSITIONS,
    WEIGHTED_MAX,
    Deduction,
    GradeThreshold,
    Indicator,
    IndicatorSet,
    Method,
    Score,
    SetStatus,
)
from dangjian.trail.changes import change_record, diff, snapshot

_INDICATOR_FIELDS = ("code", "title", "max_points", "weight", "guidance", "evidence_methods",
                     "order")


def decimal_or_error(value: Any, field: str, label: str) -> Decimal:
    """Parse a number typed into a form; a clear message instead of a 500."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{label}应为数字"}) from None
    if not number.is_finite():
        raise ValidationError({field: f"{label}应为数字"})
    return number.quantize(Decimal("0.01"))


def require_draft(indicator_set: IndicatorSet) -> None:
    """Read the status from the database (locking the row): an object in memory may be stale."""
    status = IndicatorSet.objects.select_for_update().filter(pk=indicator_set.pk).values_list(
        "status", flat=True).first()
    indicator_set.status = status or indicator_set.status
    if indicator_set.status != SetStatus.DRAFT:
        raise ValidationError(
            f"“{indicator_set.title}”已发布，不能再修改；如需调整，请复制为新的草稿后修改"
        )


@transaction.atomic
def set_create(
    *, actor: Any, purpose: str, year: Any, title: str, owner_body: Body,
    method: str = Method.POINTS,
) -> IndicatorSet:
    obj = IndicatorSet(purpose=purpose, year=year, title=title.strip(), owner_body=owner_body,
                       method=method)
    if not obj.title:
        raise ValidationError({"title": "请填写指标体系名称"})
    obj.full_clean()
    obj.save()
    change_record(actor=actor, action="create", obj=obj, after=snapshot(obj))
    return obj


@transaction.atomic
def set_copy(*, actor: Any, source: IndicatorSet, year: Any, title: str = "") -> IndicatorSet:
    """A new draft for another year: the same tree and thresholds, each indicator remembering
    the one it came from (so last year's scores can be replayed on it and compared)."""
    new = IndicatorSet(purpose=source.purpose, year=year, owner_body=source.owner_body,
                       title=(title or source.title).strip(), method=source.method,
                       copied_from=source)
    new.full_clean()
    new.save()
    mapping: dict[int, Indicator] = {}
    # Parents before children: order by depth via repeated passes over the (small) tree.
    pending = list(source.indicators.order_by("order", "id"))
    while pending:
        rest = []
        for ind in pending:
            if ind.parent_id is not None and ind.parent_id not in mapping:
                rest.append(ind)
                continue
            mapping[ind.pk] = Indicator.objects.create(
                set=new, parent=mapping.get(ind.parent_id) if ind.parent_id else None,
                code=ind.code, title=ind.title, max_points=ind.max_points, weight=ind.weight,
                guidance=ind.guidance, evidence_methods=list(ind.evidence_methods),
                order=ind.order, copied_from=ind,
            )
        if len(rest) == len(pending):  # a cycle cannot happen through the services
            break
        pending = rest
    GradeThreshold.objects.bulk_create(
        GradeThreshold(set=new, grade=t.grade, min_total=t.min_total)
        for t in source.thresholds.all()
    )
    change_record(actor=actor, action="create", obj=new,
                  after={**snapshot(new), "指标数": len(mapping)}, note=f"复制自“{source}”")
    return new


def _clean_indicator(ind: Indicator, exclude_pk: int | None = None) -> None:
    ind.code, ind.title = ind.code.strip(), ind.title.strip()
    errors: dict[str, str] = {}
    if not ind.code:
        errors["code"] = "请填写指标编号"
    if not ind.title:
        errors["title"] = "请填写指标内容"
    clash = Indicator.objects.filter(set=ind.set, code=ind.code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if ind.code and clash.exists():
        errors["code"] = f"编号“{ind.code}”已被使用"
    if ind.max_points < 0 or ind.weight < 0:
        errors["max_points"] = "分值和权重不能为负数"
    if ind.parent is not None and ind.parent.set_id != ind.set.pk:
        errors["parent"] = "上级指标不属于该指标体系"
    if not isinstance(ind.evidence_methods, list):
        errors["evidence_methods"] = "考核方式应为列表"
    if errors:
        raise ValidationError(errors)
    ind.full_clean(validate_constraints=False)


@transaction.atomic
def indicator_add(
    *, actor: Any, indicator_set: IndicatorSet, code: str, title: str,
    parent: Indicator | None = None, max_points: Decimal | int = 0, weight: Decimal | int = 0,
    guidance: str = "", evidence_methods: Iterable[str] = (), order: int | None = None,
) -> Indicator:
    require_draft(indicator_set)
    if order is None:
        order = (indicator_set.indicators.aggregate(m=Max("order"))["m"] or 0) + 1
    ind = Indicator(set=indicator_set, parent=parent, code=code, title=title,
                    max_points=Decimal(max_points), weight=Decimal(weight),
                    guidance=guidance.strip(), evidence_methods=list(evidence_methods),
                    order=order)
    _clean_indicator(ind)
    ind.save()
    change_record(actor=actor, action="create", obj=ind, after=snapshot(ind))
    return ind


@transaction.atomic
def indicator_update(*, actor: Any, indicator: Indicator, **fields: Any) -> Indicator:
    require_draft(indicator.set)
    unknown = set(fields) - set(_INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"unknown indicator fields: {sorted(unknown)}")
    before = snapshot(indicator)
    for name, value in fields.items():
        setattr(indicator, name, value)
    _clean_indicator(indicator, exclude_pk=indicator.pk)
    indicator.save()
    b, a = diff(before, snapshot(indicator))
    if a:
        change_record(actor=actor, action="update", obj=indicator, before=b, after=a)
    return indicator


@transaction.atomic
def indicator_remove(*, actor: Any, indicator: Indicator) -> None:
    """Drafts only: a draft has no scores, so the node (and its subtree) simply goes."""
    require_draft(indicator.set)
    if indicator.children.exists():
        raise ValidationError("请先删除该指标的下级指标")
    change_record(actor=actor, action="dissolve", obj=indicator, before=snapshot(indicator))
    indicator.delete()


@transaction.atomic
def thresholds_set(
    *, actor: Any, indicator_set: IndicatorSet, thresholds: Mapping[str, Any]
) -> list[GradeThreshold]:
    """{grade: lowest total} for 好, 较好, 一般; everything below 一般's line is 差."""
    require_draft(indicator_set)
    values: dict[str, Decimal] = {}
    for grade in GRADE_ORDER[:-1]:
        raw = thresholds.get(grade)
        if raw in (None, ""):
            raise ValidationError({grade: f"请填写“{Grade(grade).label}”的最低分"})
        values[grade] = decimal_or_error(raw, grade, f"“{Grade(grade).label}”的最低分")
    ordered = [values[g] for g in GRADE_ORDER[:-1]]
    if any(a <= b for a, b in itertools.pairwise(ordered)):
        raise ValidationError("等次线应从“好”到“一般”依次降低")
    if ordered[-1] < 0:
        raise ValidationError("等次线不能为负数")
    before = {str(t.grade): str(t.min_total) for t in indicator_set.thresholds.all()}
    indicator_set.thresholds.all().delete()
    rows = GradeThreshold.objects.bulk_create(
        GradeThreshold(set=indicator_set, grade=g, min_total=v) for g, v in values.items()
    )
    after = {str(g): str(v) for g, v in values.items()}
    if before != after:
        change_record(actor=actor, action="update", obj=indicator_set,
                      before={"等次线": before}, after={"等次线": after})
    return rows


def publish_problems(indicator_set: IndicatorSet) -> list[str]:
    """What stands between a draft and publication, in Chinese (empty: ready)."""
    problems: list[str] = []
    indicators = list(indicator_set.indicators.all())
    parents = {i.parent_id for i in indicators if i.parent_id}
    leaves = [i for i in indicators if i.pk not in parents]
    if not leaves:
        return ["指标体系还没有指标"]
    if indicator_set.method == Method.POINTS:
        zero = [i.code for i in leaves if i.max_points <= 0]
        if zero:
            problems.append(f"以下指标未设分值：{'、'.join(zero)}")
        top = sum((i.max_points for i in leaves), Decimal(0))
    else:
        zero = [i.code for i in leaves if i.weight <= 0]
        if zero:
            problems.append(f"以下指标未设权重：{'、'.join(zero)}")
        total_weight = sum((i.weight for i in leaves), Decimal(0))
        if total_weight != 100:
            problems.append(f"各末级指标权重合计应为100%，现为{total_weight}%")
        top = WEIGHTED_MAX
    lines = {str(t.grade): t.min_total for t in indicator_set.thresholds.all()}
    if set(lines) != {str(g) for g in GRADE_ORDER[:-1]}:
        problems.append("请设置“好”“较好”“一般”三条等次线")
    elif max(lines.values()) > top:
        problems.append(f"等次线不能高于满分（{top}分）")
    return problems


@transaction.atomic
def set_publish(*, actor: Any, indicator_set: IndicatorSet) -> IndicatorSet:
    indicator_set = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
    if (indicator_set.status, SetStatus.PUBLISHED) not in SET_TRANSITIONS:
        raise ValidationError(f"“{indicator_set.title}”已发布")
    problems = publish_problems(indicator_set)
    if problems:
        raise ValidationError(problems)
    indicator_set.status = SetStatus.PUBLISHED
    indicator_set.published_at = timezone.now()
    indicator_set.save(update_fields=["status", "published_at"])
    change_record(actor=actor, action="update", obj=indicator_set,
                  before={"状态": SetStatus.DRAFT.label}, after={"状态": SetStatus.PUBLISHED.label})
    return indicator_set


def leaf_max(indicator: Indicator) -> Decimal:
    return WEIGHTED_MAX if indicator.set.method == Method.WEIGHTS else indicator.max_points


@transaction.atomic
def score_record(
    *, actor: Any, indicator: Indicator, subject_key: str, value: Any, reason: str,
    scope_path: str = "",
) -> Score:
    """Record or change the actor's score for a subject on a leaf indicator (traced)."""
    indicator_set = IndicatorSet.objects.get(pk=indicator.set_id)
    if indicator_set.status != SetStatus.PUBLISHED:
        raise ValidationError("指标体系尚未发布，不能评分")
    if indicator.children.exists():
        raise ValidationError(f"“{indicator.code}”含下级指标，请对末级指标评分")
    number = decimal_or_error(value, "value", "得分")
    top = leaf_max(indicator)
    if number < 0 or number > top:
        raise ValidationError(
            {"value": f"“{indicator.code} {indicator.title[:20]}”得分应在0至{top}分之间"})
    if not reason.strip():
        raise ValidationError({"reason": f"请填写“{indicator.code}”的评分理由"})
    score = Score.objects.select_for_update().filter(
        indicator=indicator, subject_key=subject_key, assessor=actor).first()
    before = {"得分": str(score.value), "评分理由": score.reason} if score else None
    if score is None:
        score = Score(set=indicator_set, indicator=indicator, subject_key=subject_key,
                      assessor=actor)
    score.value, score.reason, score.scope_path = number, reason.strip(), scope_path
    score.full_clean(validate_constraints=False)
    score.save()
    after = {"得分": str(score.value), "评分理由": score.reason}
    if before != after:
        change_record(actor=actor, action="update" if before else "create", obj=score,
                      before=before, after={"指标": indicator.code, **after})
    return score


@transaction.atomic
def deduction_add(
    *, actor: Any, indicator_set: IndicatorSet, subject_key: str, points: Any, reason: str,
    indicator: Indicator | None = None, scope_path: str = "",
) -> Deduction:
    if indicator_set.status != SetStatus.PUBLISHED:
        raise ValidationError("指标体系尚未发布，不能扣分")
    number = decimal_or_error(points, "points", "扣分")
    if number <= 0:
        raise ValidationError({"points": "扣分应大于0"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写扣分理由"})
    if indicator is not None and indicator.set_id != indicator_set.pk:
        raise ValidationError({"indicator": "该指标不属于此指标体系"})
    row = Deduction(set=indicator_set, indicator=indicator, subject_key=subject_key,
                    scope_path=scope_path, points=number, reason=reason.strip(),
                    recorded_by=actor)
    row.full_clean(validate_constraints=False)
    row.save()
    change_record(actor=actor, action="create", obj=row, after=snapshot(row))
    return row
