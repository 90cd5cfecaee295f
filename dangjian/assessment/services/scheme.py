"""The year's indicator system (R1.1): create (from last year's, else the default), edit while a
draft, publish all three sets together. Each write checks Perm.ASSESS_SYSTEM first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.assessment import access
from dangjian.assessment.defaults import DEFAULT_SYSTEM, THRESHOLDS, Item
from dangjian.assessment.models import PURPOSE, Scheme, SubjectKind
from dangjian.cycles.models import Year
from dangjian.scoring import services as scoring
from dangjian.scoring.models import Indicator, IndicatorSet, SetStatus
from dangjian.trail.changes import change_record, snapshot


def _add_items(actor: Any, indicator_set: IndicatorSet, items: Iterable[Item],
               parent: Indicator | None = None) -> None:
    for item in items:
        node = scoring.indicator_add(
            actor=actor, indicator_set=indicator_set, code=item.code, title=item.title,
            parent=parent, max_points=item.points, guidance=item.guidance,
            evidence_methods=item.methods)
        _add_items(actor, indicator_set, item.children, node)


@transaction.atomic
def scheme_create(*, actor: Any, year: Year, check_scope: bool = True) -> Scheme:
    """The year's system as a draft: a copy of last year's if there is one, else the default."""
    if check_scope:
        access.require_system(actor)
    if Scheme.objects.filter(year=year).exists():
        raise ValidationError(f"{year}的考核指标体系已建立")
    owner = access.work_committee()
    previous = Scheme.objects.filter(year=year.previous).first() if year.previous_id else None
    sets: dict[str, IndicatorSet] = {}
    for kind, (name, items) in DEFAULT_SYSTEM.items():
        title = f"{year.year}年度{name}考核指标"
        if previous is not None:
            sets[kind] = scoring.set_copy(actor=actor, source=previous.set_of(kind), year=year,
                                          title=title)
            continue
        s = scoring.set_create(actor=actor, purpose=f"{PURPOSE}.{kind}", year=year, title=title,
                               owner_body=owner)
        _add_items(actor, s, items)
        scoring.thresholds_set(actor=actor, indicator_set=s, thresholds=THRESHOLDS)
        sets[kind] = s
    scheme = Scheme(year=year, title=f"{year.year}年度机关党建工作考核指标体系", owner_body=owner,
                    set_leading_group=sets[SubjectKind.LEADING_GROUP],
                    set_secretary=sets[SubjectKind.SECRETARY], set_member=sets[SubjectKind.MEMBER],
                    county_weight=previous.county_weight if previous else Decimal(10))
    scheme.full_clean()
    scheme.save()
    change_record(actor=actor, action="create", obj=scheme, after=snapshot(scheme),
                  note=f"复制{previous}" if previous else "采用默认指标体系")
    return scheme


def _scheme_of(indicator_set: IndicatorSet) -> Scheme:
    scheme = Scheme.objects.filter(year=indicator_set.year_id).first()
    if scheme is None or indicator_set.pk not in {
            scheme.set_leading_group_id, scheme.set_secretary_id, scheme.set_member_id}:
        raise ValidationError("该指标不属于党建考核指标体系")
    return scheme


def indicator_add(*, actor: Any, indicator_set: IndicatorSet, parent: Indicator | None,
                  fields: Mapping[str, Any]) -> Indicator:
    access.require_system(actor, _scheme_of(indicator_set))
    return scoring.indicator_add(actor=actor, indicator_set=indicator_set, parent=parent,
                                 **_indicator_fields(fields))


def indicator_update(*, actor: Any, indicator: Indicator, fields: Mapping[str, Any]
                     ) -> Indicator:
    access.require_system(actor, _scheme_of(indicator.set))
    return scoring.indicator_update(actor=actor, indicator=indicator, **_indicator_fields(fields))


def indicator_remove(*, actor: Any, indicator: Indicator) -> None:
    access.require_system(actor, _scheme_of(indicator.set))
    scoring.indicator_remove(actor=actor, indicator=indicator)


def thresholds_save(*, actor: Any, indicator_set: IndicatorSet,
                    thresholds: Mapping[str, Any]) -> None:
    access.require_system(actor, _scheme_of(indicator_set))
    scoring.thresholds_set(actor=actor, indicator_set=indicator_set, thresholds=thresholds)


def _indicator_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": str(fields.get("code", "")), "title": str(fields.get("title", "")),
        "guidance": str(fields.get("guidance", "")).strip(),
        "max_points": scoring.decimal_or_error(fields.get("max_points") or 0, "max_points",
                                               "分值"),
        "evidence_methods": [m for m in fields.get("evidence_methods", []) if m],
    }
    return out


def scheme_is_published(scheme: Scheme) -> bool:
    return all(s.status == SetStatus.PUBLISHED for s in (
        scheme.set_leading_group, scheme.set_secretary, scheme.set_member))


@transaction.atomic
def scheme_publish(*, actor: Any, scheme: Scheme) -> Scheme:
    """Publish the three sets together: all or none (each set's problems listed)."""
    access.require_system(actor, scheme)
    if scheme_is_published(scheme):
        raise ValidationError(f"“{scheme.title}”已发布")
    problems: list[str] = []
    for kind in SubjectKind:
        s: IndicatorSet = scheme.set_of(kind)
        problems += [f"{kind.label}：{p}" for p in scoring.publish_problems(s)]
    if problems:
        raise ValidationError(problems)
    for kind in SubjectKind:
        scoring.set_publish(actor=actor, indicator_set=scheme.set_of(kind))
    scheme.refresh_from_db()
    return scheme


@transaction.atomic
def scheme_weight_set(*, actor: Any, scheme: Scheme, weight: Any) -> Scheme:
    """The weight of 党建考核 in the county's 年度综合考核 (used by the export)."""
    access.require_system(actor, scheme)
    number = scoring.decimal_or_error(weight, "county_weight", "权重")
    if not 0 < number <= 100:
        raise ValidationError({"county_weight": "权重应在0至100之间"})
    before = str(scheme.county_weight)
    scheme.county_weight = number
    scheme.save(update_fields=["county_weight"])
    change_record(actor=actor, action="update", obj=scheme, before={"权重": before},
                  after={"权重": str(number)})
    return scheme
