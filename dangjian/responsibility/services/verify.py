"""The 纪实 verifier, registered with the trail engine: every record held against its chain
entry (the chains themselves are recomputed once, by the engine's first pass), and every
ledger item's progress and record count against its records. Evidence files are read by the
evidence engine's verifier. `duty_chain_verify` runs the same check for one organisation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max
from django.urls import reverse

from dangjian.org.models import Body
from dangjian.responsibility.models import DutyRecord, LedgerItem, chain_for
from dangjian.responsibility.services.records import record_attachments, record_content
from dangjian.trail.models import ChainHead, Checkpoint
from dangjian.trail.models import TrailEntry as Entry
from dangjian.trail.services import checkpoint_take
from dangjian.trail.verification import (
    Context,
    Finding,
    Located,
    register_verifier,
    verify_everything,
)

LABEL = "履责纪实"
PREFIX = "duty:"
BATCH = 2000


def _body_of(chain: str) -> int | None:
    tail = chain[len(PREFIX):] if chain.startswith(PREFIX) else ""
    return int(tail) if tail.isdigit() else None


def locate(chain: str, seq: int) -> Located | None:
    body_id = _body_of(chain)
    if body_id is None:
        return None
    record = DutyRecord.objects.filter(body_id=body_id, chain_seq=seq).first()
    if record is None:
        return Located(f"纪实链第{seq}条（纪实记录已不存在）")
    return Located(f"履责纪实记录 编号{record.pk}（{record}）",
                   reverse("responsibility:record_detail", args=[record.pk]))


def _finding(chain: str, seq: int | None, problem: str, record: DutyRecord | None = None
             ) -> Finding:
    if record is None:
        return Finding(LABEL, chain, seq, f"纪实链第{seq}条" if seq else "", problem)
    return Finding(LABEL, chain, seq, f"履责纪实记录 编号{record.pk}（{record}）", problem,
                   reverse("responsibility:record_detail", args=[record.pk]))


def _chains(ctx: Context) -> list[str]:
    bodies = DutyRecord.objects.order_by().values_list("body_id", flat=True).distinct()
    names = {chain_for(b) for b in bodies}
    names |= set(ChainHead.objects.filter(chain__startswith=PREFIX).values_list(
        "chain", flat=True))
    return sorted((n for n in names if ctx.wants(n)), key=lambda n: _body_of(n) or 0)


def _first_mismatch(ctx: Context, chain: str, tick: Any) -> Finding | None:
    """Records 1…n of the chain against entries 1…n, where n stops before a broken entry
    (the engine's chain pass already named that one)."""
    body_id = _body_of(chain)
    assert body_id is not None
    result = ctx.chain(chain)
    last = ctx.verified_upto(chain)
    if result.ok:
        top = DutyRecord.objects.filter(body_id=body_id).aggregate(m=Max("chain_seq"))["m"]
        last = max(last, top or 0)
    for start in range(1, last + 1, BATCH):
        stop = min(start + BATCH, last + 1)
        entries: dict[int, Any] = dict(Entry.objects.filter(
            chain=chain, seq__gte=start, seq__lt=stop).values_list("seq", "after"))
        records = list(DutyRecord.objects.filter(body_id=body_id, chain_seq__gte=start,
                                                 chain_seq__lt=stop).order_by("chain_seq"))
        files_of = record_attachments(records)
        by_seq = {r.chain_seq: r for r in records}
        for seq in range(start, stop):
            problem = _compare(chain, seq, by_seq.get(seq), entries.get(seq), files_of)
            if problem is not None:
                tick(seq - start + 1)
                return problem
        tick(len(records))
    return None


def _compare(chain: str, seq: int, record: DutyRecord | None, after: Any,
             files_of: dict[int, list[Any]]) -> Finding | None:
    if record is None:
        return _finding(chain, seq, f"第{seq}条纪实记录已被删除（留痕仍在）")
    if after is None:
        return _finding(chain, seq, "纪实记录没有对应的留痕（被直接写入）", record)
    if (after or {}).get("记录") != record_content(record, files_of.get(record.pk, [])):
        return _finding(chain, seq, "纪实记录与留痕不符（被直接改动）", record)
    return None


def _derived(chains: list[str]) -> Iterator[Finding]:
    """Each item's stored progress and record count against its records (grouped queries)."""
    bodies = [b for b in map(_body_of, chains) if b is not None]
    records = DutyRecord.objects.filter(body_id__in=bodies).order_by().values("item_id")
    counts = dict(records.annotate(n=Count("pk")).values_list("item_id", "n"))
    best = dict(records.filter(corrections__isnull=True).annotate(m=Max("progress"))
                .values_list("item_id", "m"))
    items = (LedgerItem.objects.filter(rlist__body_id__in=bodies)
             .order_by("rlist__body_id", "rlist__year__year", "order")
             .values_list("pk", "rlist__body_id", "rlist__body__name", "rlist__year__year",
                          "order", "progress", "n_records"))
    for item_id, body_id, name, year, order, progress, n in items.iterator(chunk_size=BATCH):
        if (progress, n) != (best.get(item_id, 0), counts.get(item_id, 0)):
            yield Finding(LABEL, chain_for(body_id), None, f"{name}{year}年台账第{order}项",
                          f"台账第{order}项的进度或纪实条数与纪实记录不符（被直接改动）",
                          reverse("responsibility:item_detail", args=[item_id]))


def check_records(ctx: Context) -> Iterator[Finding]:
    chains = _chains(ctx)
    total = DutyRecord.objects.filter(
        body_id__in=[_body_of(c) for c in chains]).count()
    done = {"n": 0}

    def tick(n: int) -> None:
        done["n"] += n
        ctx.progress(done["n"], total)

    ctx.progress(0, total)
    for chain in chains:
        finding = _first_mismatch(ctx, chain, tick)
        if finding is not None:
            yield finding
    yield from _derived(chains)


def register() -> None:
    register_verifier("responsibility", label=LABEL, check=check_records, locate=locate)


@dataclass(frozen=True)
class DutyVerification:
    body_id: int
    body_name: str
    chain: str
    checked: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str = ""
    record_url: str = ""


def duty_chain_verify(*, body: Body) -> DutyVerification:
    """One organisation's 纪实: its chain, then its records and items (the complete check,
    limited to the organisation's chain)."""
    chain = chain_for(body.pk)
    report = verify_everything(chains=[chain])
    checked = report.chains[0].checked if report.chains else 0
    first = report.first
    if first is None:
        return DutyVerification(body.pk, body.name, chain, checked, True)
    return DutyVerification(body.pk, body.name, chain, checked, False, first.seq,
                            first.problem, first.url)


def duty_checkpoint(*, body: Body, actor: Any = None, note: str = "") -> Checkpoint:
    return checkpoint_take(chain=chain_for(body.pk), actor=actor, note=note)


def latest_checkpoints(bodies: list[Body]) -> dict[int, Checkpoint]:
    chains = {chain_for(b.pk): b.pk for b in bodies}
    out: dict[int, Checkpoint] = {}
    for cp in Checkpoint.objects.filter(chain__in=list(chains)).order_by("chain", "id"):
        out[chains[cp.chain]] = cp
    return out
