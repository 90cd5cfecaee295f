"""随机抽查 (R3.4): a reproducible draw from a committed seed.

1. Commit: the population (every organisation that keeps a list, by stratum, ids sorted) is
   frozen, and SM3(seed) is published with SM3 of the population, before anyone knows the draw.
2. Draw: each organisation's rank in its stratum is SM3("<seed>:<stratum>:<body id>") as hex;
   the lowest ranks are drawn. The seed is then shown beside its commitment.
Anyone holding the published data can check SM3(seed) against the commitment and recompute
the ranks with any SM3 tool: no hidden random state, no dependence on Python's generator.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.cycles.models import Year
from dangjian.org.models import Body, BodyKind
from dangjian.org.scope import Perm
from dangjian.rectification.services import item_add as rect_item_add
from dangjian.rectification.services import plan_create
from dangjian.responsibility.models import (
    ListKind,
    SpotCheck,
    SpotCheckTarget,
    TargetResult,
)
from dangjian.responsibility.services.common import (
    actor_name,
    covers,
    owner_bodies,
    require_county_wide,
)
from dangjian.trail.changes import change_record, snapshot

ALL = "all"
STRATA = {ALL: "全部组织", ListKind.PRIMARY.value: "机关党组织（主体责任）",
          ListKind.SUPERVISORY.value: "机关纪检（监督责任）"}
SOURCE = "responsibility"


def sm3(text: str) -> str:
    return hashlib.new("sm3", text.encode()).hexdigest()


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def draw(seed: str, population: dict[str, list[int]], strata: dict[str, int]
         ) -> dict[str, list[int]]:
    """The pure draw: the same inputs give the same list, anywhere."""
    return {
        stratum: sorted(population[stratum], key=lambda b: sm3(f"{seed}:{stratum}:{b}"))[:n]
        for stratum, n in sorted(strata.items())
    }


def _population(strata: dict[str, int]) -> dict[str, list[int]]:
    rows = list(owner_bodies().values_list("pk", "kind"))
    supervisory = sorted(pk for pk, kind in rows if kind == BodyKind.ORGAN_DISCIPLINE)
    primary = sorted(pk for pk, kind in rows if kind != BodyKind.ORGAN_DISCIPLINE)
    groups = {ALL: sorted(primary + supervisory), ListKind.PRIMARY.value: primary,
              ListKind.SUPERVISORY.value: supervisory}
    return {stratum: groups[stratum] for stratum in strata}


def conductor_body() -> Body:
    body = Body.objects.current().filter(kind=BodyKind.DISCIPLINE_COMMISSION).first()
    if body is None:
        raise ValidationError("系统中没有县纪委机构，无法组织抽查")
    return body


def _clean_strata(strata: dict[str, Any]) -> dict[str, int]:
    clean: dict[str, int] = {}
    for key, value in strata.items():
        if key not in STRATA:
            raise ValidationError({"strata": f"未知的抽取范围：{key}"})
        try:
            n = int(value or 0)
        except (TypeError, ValueError):
            raise ValidationError({"strata": "抽取数量应为整数"}) from None
        if n < 0:
            raise ValidationError({"strata": "抽取数量不能为负数"})
        if n:
            clean[key] = n
    if not clean:
        raise ValidationError({"strata": "请填写抽取数量"})
    if ALL in clean and len(clean) > 1:
        raise ValidationError({"strata": "“全部组织”不能与分层抽取同时使用"})
    return clean


@transaction.atomic
def spotcheck_commit(*, actor: Any, year: Year, title: str, strata: dict[str, Any],
                     seed: str = "") -> SpotCheck:
    """Freeze the population and publish SM3(seed) before the draw."""
    require_county_wide(actor, Perm.RESP_SPOT_CHECK)
    conductor = conductor_body()
    if not title.strip():
        raise ValidationError({"title": "请填写抽查名称"})
    counts = _clean_strata(strata)
    population = _population(counts)
    for stratum, n in counts.items():
        if n > len(population[stratum]):
            raise ValidationError({"strata": f"{STRATA[stratum]}抽取{n}个，超过范围内的"
                                             f"{len(population[stratum])}个组织"})
    seed = seed.strip() or secrets.token_hex(16)
    check = SpotCheck(year=year, title=title.strip(), conductor=conductor, strata=counts,
                      population=population, population_digest=sm3(canonical(population)),
                      seed_commitment=sm3(seed), seed=seed, committed_at=timezone.now(),
                      created_by_name=actor_name(actor))
    check.full_clean()
    check.save()
    change_record(actor=actor, action="create", obj=check,
                  after={"名称": check.title, "抽取数量": counts,
                         "种子承诺（SM3）": check.seed_commitment,
                         "范围摘要（SM3）": check.population_digest})
    return check


@transaction.atomic
def spotcheck_draw(*, actor: Any, check: SpotCheck) -> SpotCheck:
    check = SpotCheck.objects.select_for_update().get(pk=check.pk)
    require_county_wide(actor, Perm.RESP_SPOT_CHECK)
    if check.is_drawn:
        raise ValidationError("本次抽查已经抽取，不能重新抽取")
    check.drawn = draw(check.seed, check.population, check.strata)
    check.drawn_at = timezone.now()
    check.save(update_fields=["drawn", "drawn_at"])
    SpotCheckTarget.objects.bulk_create([
        SpotCheckTarget(spot_check=check, body_id=body_id, stratum=stratum)
        for stratum, ids in check.drawn.items() for body_id in ids
    ])
    change_record(actor=actor, action="update", obj=check,
                  after={"抽中": check.drawn, "种子": check.seed}, note="随机抽取并公开种子")
    return check


def spotcheck_reproduce(check: SpotCheck) -> tuple[bool, bool]:
    """(the seed matches its commitment, the draw re-runs to the same list)."""
    if not check.is_drawn:
        return False, False
    return (sm3(check.seed) == check.seed_commitment
            and sm3(canonical(check.population)) == check.population_digest,
            draw(check.seed, check.population, check.strata) == check.drawn)


def published(check: SpotCheck) -> dict[str, Any]:
    """What is published: before the draw without the seed, after it with the seed."""
    data: dict[str, Any] = {
        "抽查": check.title, "算法": "SM3(种子:层:组织编号) 十六进制升序取前N个",
        "抽取数量": check.strata, "抽取范围": check.population,
        "范围摘要SM3": check.population_digest, "种子承诺SM3": check.seed_commitment,
    }
    if check.is_drawn:
        data.update({"种子": check.seed, "抽中": check.drawn})
    return data


@transaction.atomic
def target_record(*, actor: Any, target: SpotCheckTarget, findings: str,
                  problems: list[str], deadline: Any = None) -> SpotCheckTarget:
    """The result of checking one drawn organisation; each problem becomes a rectification
    item (source "responsibility") verified by 县纪委."""
    target = SpotCheckTarget.objects.select_for_update().select_related(
        "spot_check__conductor", "spot_check__year", "body").get(pk=target.pk)
    check = target.spot_check
    if not covers(actor, Perm.RESP_SPOT_CHECK, target.body):
        raise PermissionDenied("只有县纪委可以记录抽查结果")
    if target.result != TargetResult.PENDING:
        raise ValidationError("该组织的检查结果已经记录")
    problems = [p.strip() for p in problems if p.strip()]
    if not findings.strip():
        raise ValidationError({"findings": "请填写检查情况"})
    if problems and deadline is None:
        raise ValidationError({"deadline": "发现问题时请填写整改时限"})
    if problems and deadline < check.year.starts:
        raise ValidationError({"deadline": f"整改时限不能早于{check.year.year}年1月1日"})
    target.findings = findings.strip()
    target.checked_on = timezone.localdate()
    target.result = TargetResult.PROBLEMS if problems else TargetResult.CLEAN
    if problems:
        plan = plan_create(actor=actor, year=check.year, source=SOURCE,
                           source_ref=f"spotcheck:{check.pk}", title=f"{check.title}发现问题整改",
                           owner_body=target.body, verifier_body=check.conductor,
                           check_scope=False)
        for problem in problems:
            rect_item_add(actor=actor, plan=plan, problem=problem, deadline=deadline,
                          origin="履责纪实抽查", check_scope=False)
        target.plan = plan
    target.save()
    change_record(actor=actor, action="update", obj=target, after=snapshot(target))
    return target
