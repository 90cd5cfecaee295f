"""The spot-check verifier, registered with the trail engine: each 随机抽查's published
commitment (seed SM3, population SM3, numbers to draw) and, once drawn, its seed and draw,
held against the change trace's entries of it; the population against its digest and the
draw re-run from the seed (its derived figures)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from dangjian.responsibility.models import SpotCheck
from dangjian.responsibility.services.spotcheck import canonical, draw, sm3
from dangjian.trail.models import TrailEntry
from dangjian.trail.verification import Context, Finding, register_verifier

LABEL = "随机抽查"
SUBJECT = "responsibility.spotcheck"


def register() -> None:
    register_verifier("responsibility.spotcheck", label=LABEL, check=check_spotchecks)


def _problems(check: SpotCheck, entries: list[TrailEntry]) -> Iterator[tuple[TrailEntry | None,
                                                                              str]]:
    created = next((e for e in entries if e.action == "create"), None)
    drawn = next((e for e in reversed(entries) if "抽中" in (e.after or {})), None)
    published = {"名称": check.title, "抽取数量": check.strata,
                 "种子承诺（SM3）": check.seed_commitment,
                 "范围摘要（SM3）": check.population_digest}
    if created is None:
        yield None, "随机抽查没有对应的留痕（被直接写入）"
    elif created.after != published:
        yield created, "名称、抽取数量或承诺的摘要与留痕不符（被直接改动）"
    if sm3(canonical(check.population)) != check.population_digest:
        yield created, "抽取范围与范围摘要不符（被直接改动）"
    if not check.is_drawn:
        if drawn is not None:
            yield drawn, "已抽取的结果被直接清除"
        return
    if drawn is None:
        yield None, "抽取结果没有对应的留痕（被直接写入）"
    elif (drawn.after or {}) != {"抽中": check.drawn, "种子": check.seed}:
        yield drawn, "抽中名单或种子与留痕不符（被直接改动）"
    if sm3(check.seed) != check.seed_commitment:
        yield drawn, "种子与事先公布的承诺不符"
    elif draw(check.seed, check.population, check.strata) != check.drawn:
        yield drawn, "按种子重新抽取的结果与抽中名单不符"


def check_spotchecks(ctx: Context) -> Iterator[Finding]:
    """Every spot check (only in a complete check: `--chain` skips it)."""
    if ctx.only is not None:
        return
    by_subject: dict[str, list[TrailEntry]] = {}
    for e in TrailEntry.objects.filter(subject_type=SUBJECT).order_by("at", "id"):
        by_subject.setdefault(e.subject_id, []).append(e)
    checks = list(SpotCheck.objects.order_by("pk"))
    ctx.progress(0, len(checks))
    for n, check in enumerate(checks, 1):
        record = f"随机抽查“{check.title}”（编号{check.pk}）"
        url = reverse("responsibility:spotcheck_detail", args=[check.pk])
        for entry, problem in _problems(check, by_subject.pop(str(check.pk), [])):
            yield Finding(LABEL, entry.chain if entry else "", entry.seq if entry else None,
                          record, problem, url)
        ctx.progress(n, len(checks))
    for subject_id, entries in by_subject.items():
        first: Any = entries[0]
        yield Finding(LABEL, first.chain, first.seq,
                      f"随机抽查“{first.subject_label}”（编号{subject_id}）",
                      "随机抽查记录已被删除（留痕仍在）")
