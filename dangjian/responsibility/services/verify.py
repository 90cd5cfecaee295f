"""Recompute an organisation's 纪实 chain and hold every record against its chain entry, so
a direct database edit or deletion of either one is named (the first one that differs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from dangjian.org.models import Body
from dangjian.responsibility.models import DutyRecord, LedgerItem, chain_for
from dangjian.responsibility.services.records import (
    file_digest_matches,
    record_attachments,
    record_content,
)
from dangjian.trail.models import Checkpoint, TrailEntry
from dangjian.trail.services import checkpoint_take, trail_verify


@dataclass(frozen=True)
class DutyVerification:
    body_id: int
    body_name: str
    chain: str
    checked: int
    ok: bool
    first_bad_seq: int | None = None
    record_id: int | None = None
    problem: str = ""


def _bad(body: Body, checked: int, seq: int | None, problem: str,
         record_id: int | None = None) -> DutyVerification:
    if record_id is None and seq is not None:
        record_id = DutyRecord.objects.filter(body=body, chain_seq=seq).values_list(
            "pk", flat=True).first()
    return DutyVerification(body.pk, body.name, chain_for(body.pk), checked, False, seq,
                            record_id, problem)


def duty_chain_verify(*, body: Body, files: bool = False, batch: int = 2000
                      ) -> DutyVerification:
    """The chain first (SM3, links, head, checkpoints), then each record against its entry.
    With files=True, each evidence file is read and its SM3 recomputed too."""
    chain = chain_for(body.pk)
    result = trail_verify(chain=chain)
    if not result.ok:
        return _bad(body, result.checked, result.first_bad_seq, result.problem)
    last = max(result.checked,
               DutyRecord.objects.filter(body=body).aggregate(m=Max("chain_seq"))["m"] or 0)
    for start in range(1, last + 1, batch):
        stop = start + batch
        entries: dict[int, Any] = dict(TrailEntry.objects.filter(
            chain=chain, seq__gte=start, seq__lt=stop).values_list("seq", "after"))
        records = list(DutyRecord.objects.filter(body=body, chain_seq__gte=start,
                                                 chain_seq__lt=stop).order_by("chain_seq"))
        files_of = record_attachments(records)
        by_seq = {r.chain_seq: r for r in records}
        for seq in range(start, min(stop, last + 1)):
            record, after = by_seq.get(seq), entries.get(seq)
            if record is None:
                return _bad(body, seq - 1, seq, f"第{seq}条纪实记录已被删除（留痕仍在）")
            if after is None:
                return _bad(body, seq - 1, seq, "纪实记录没有对应的留痕（被直接写入）",
                            record.pk)
            attachments = files_of.get(record.pk, [])
            if (after or {}).get("记录") != record_content(record, attachments):
                return _bad(body, seq - 1, seq, "纪实记录与留痕不符（被直接改动）", record.pk)
            if files:
                for a in attachments:
                    if not file_digest_matches(a):
                        return _bad(body, seq - 1, seq,
                                    f"佐证文件“{a.original_name}”的内容与SM3摘要不符", record.pk)
    problem = _derived_mismatch(body)
    if problem:
        return _bad(body, result.checked, None, problem)
    return DutyVerification(body.pk, body.name, chain, result.checked, True)


def _derived_mismatch(body: Body) -> str:
    """Each item's stored progress and record count against its records (one grouped query)."""
    records = DutyRecord.objects.filter(body=body).order_by().values("item_id")
    counts = dict(records.annotate(n=Count("pk")).values_list("item_id", "n"))
    best = dict(records.filter(corrections__isnull=True).annotate(m=Max("progress"))
                .values_list("item_id", "m"))
    items = LedgerItem.objects.filter(rlist__body=body).order_by("rlist__year__year", "order")
    for item_id, order, progress, n in items.values_list("pk", "order", "progress",
                                                         "n_records"):
        if (progress, n) != (best.get(item_id, 0), counts.get(item_id, 0)):
            return f"台账第{order}项的进度或纪实条数与纪实记录不符（被直接改动）"
    return ""


def duty_checkpoint(*, body: Body, actor: Any = None, note: str = "") -> Checkpoint:
    return checkpoint_take(chain=chain_for(body.pk), actor=actor, note=note)


def latest_checkpoints(bodies: list[Body]) -> dict[int, Checkpoint]:
    chains = {chain_for(b.pk): b.pk for b in bodies}
    out: dict[int, Checkpoint] = {}
    for cp in Checkpoint.objects.filter(chain__in=list(chains)).order_by("chain", "id"):
        out[chains[cp.chain]] = cp
    return out
