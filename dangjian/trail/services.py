"""The trail engine's service API: append, verify.

Each entry's digest is SM3 over the previous digest and a canonical serialisation of the entry,
so changing or removing any entry (even directly in the database) breaks every digest after it;
the chain head row catches removal of the newest entries, and the signed checkpoints
(`dangjian.trail.checkpoints`) catch a head rewound or a chain re-hashed throughout.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.actors import acting_user, actor_label
from dangjian.bulk import insert_many
from dangjian.trail.checkpoints import checkpoint_take, trusted_checkpoints
from dangjian.trail.models import ChainHead, Checkpoint, TrailEntry
from dangjian.trail.witness import GENESIS

__all__ = ["GENESIS", "checkpoint_take"]  # checkpoint_take: where modules have imported it


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _canonical(entry: TrailEntry) -> bytes:
    at = entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    payload = [
        entry.chain, entry.seq, at, entry.actor_id, entry.actor_name, entry.action,
        entry.subject_type, str(entry.subject_id), entry.subject_label, entry.scope_path,
        entry.before, entry.after, entry.note, entry.prev_digest,
    ]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_digest(entry: TrailEntry) -> str:
    return sm3_hex(_canonical(entry))


@dataclass(frozen=True)
class NewEntry:
    """One entry to append: what `trail_append` takes besides chain and actor."""

    action: str
    subject_type: str
    subject_id: Any
    subject_label: str
    scope_path: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str = ""


def _entry(chain: str, seq: int, at: dt.datetime, user: Any, name: str, new: NewEntry,
           prev: str) -> TrailEntry:
    """The entry `new` as the `seq`th of `chain` after the digest `prev`, its digest computed:
    the one way both append paths build an entry, so their digests cannot drift apart."""
    entry = TrailEntry(
        chain=chain,
        seq=seq,
        at=at,
        actor=user,
        actor_name=name,
        action=new.action,
        subject_type=new.subject_type,
        subject_id=str(new.subject_id),
        subject_label=new.subject_label[:200],
        scope_path=new.scope_path,
        before=_jsonable(new.before) if new.before is not None else None,
        after=_jsonable(new.after) if new.after is not None else None,
        note=new.note,
        prev_digest=prev,
    )
    entry.digest = entry_digest(entry)
    return entry


def trail_append(
    *,
    chain: str,
    actor: Any,
    action: str,
    subject_type: str,
    subject_id: Any,
    subject_label: str,
    scope_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> TrailEntry:
    """Append one entry to a chain, inside the caller's transaction."""
    with transaction.atomic():
        ChainHead.objects.get_or_create(chain=chain)
        head = ChainHead.objects.select_for_update().get(chain=chain)
        new = NewEntry(action, subject_type, subject_id, subject_label, scope_path, before,
                       after, note)
        entry = _entry(chain, head.seq + 1, timezone.now(), acting_user(actor),
                       actor_label(actor), new, head.digest)
        entry.save(force_insert=True)
        head.seq, head.digest = entry.seq, entry.digest
        head.save(update_fields=["seq", "digest"])
    return entry


def trail_append_many(
    *, chain: str, actor: Any, entries: Sequence[NewEntry], batch_size: int = 1000
) -> list[TrailEntry]:
    """Append entries to one chain in their order, inside the caller's transaction: the same
    entries as that many `trail_append` calls (sequential seqs, each digest over the one
    before), with one lock of the chain head, inserted in batches by `insert_many` (the
    entries returned carry no primary key)."""
    if not entries:
        return []
    with transaction.atomic():
        ChainHead.objects.get_or_create(chain=chain)
        head = ChainHead.objects.select_for_update().get(chain=chain)
        user, name, at = acting_user(actor), actor_label(actor), timezone.now()
        seq, prev = head.seq, head.digest
        out: list[TrailEntry] = []
        for new in entries:
            seq += 1
            entry = _entry(chain, seq, at, user, name, new, prev)
            prev = entry.digest
            out.append(entry)
        insert_many(TrailEntry, out, batch_size=batch_size)
        head.seq, head.digest = seq, prev
        head.save(update_fields=["seq", "digest"])
    return out


@dataclass(frozen=True)
class Verification:
    chain: str
    checked: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str = ""


def trail_verify(*, chain: str, batch: int = 5000,
                 on_progress: Callable[[int], None] | None = None,
                 marks: dict[int, str] | None = None) -> Verification:
    """Recompute the chain; name the first entry that does not match. The chain's trusted
    checkpoints (`marks`, {seq: digest}; by default read here: signed rows and witness lines)
    must match too, so truncating and rewinding the head row, or re-hashing the chain, is
    caught. `on_progress(n)` is told every `batch` entries how many have been checked."""
    head = ChainHead.objects.filter(chain=chain).first()
    if marks is None:
        marks = trusted_checkpoints([chain]).marks.get(chain, {})
    marks = {seq: digest for seq, digest in marks.items() if seq > 0}
    prev = GENESIS
    expected_seq = 1
    checked = 0
    qs = TrailEntry.objects.filter(chain=chain).order_by("seq")
    for entry in qs.iterator(chunk_size=batch):
        if entry.seq != expected_seq:
            return Verification(chain, checked, False, expected_seq, f"第{expected_seq}条记录缺失")
        if entry.prev_digest != prev:
            return Verification(chain, checked, False, entry.seq, "与前一条记录的摘要不衔接")
        if entry_digest(entry) != entry.digest:
            return Verification(chain, checked, False, entry.seq, "记录内容与摘要不符（被改动）")
        if marks.get(entry.seq, entry.digest) != entry.digest:
            return Verification(chain, checked, False, entry.seq, "与已保存的检查点不符")
        prev = entry.digest
        expected_seq += 1
        checked += 1
        if on_progress is not None and checked % batch == 0:
            on_progress(checked)
    head_seq = head.seq if head else 0
    head_digest = head.digest if head else GENESIS
    if head_seq != checked or head_digest != prev:
        return Verification(
            chain, checked, False, checked + 1, "链头与记录不符（末尾记录被删除或改动）"
        )
    if marks and max(marks) > checked:
        return Verification(
            chain, checked, False, checked + 1, f"记录少于第{max(marks)}号检查点（末尾记录被删除）"
        )
    return Verification(chain, checked, True)


@dataclass(frozen=True)
class CheckpointMatch:
    ok: bool
    message: str


def checkpoint_check(*, chain: str, seq: int, digest: str) -> CheckpointMatch:
    """Does a checkpoint (e.g. one printed on a report) still match the stored chain?"""
    digest = digest.strip().lower()
    if seq == 0:
        ok = digest == GENESIS
        return CheckpointMatch(ok, "空链" if ok else "空链的摘要应为全零")
    entry = TrailEntry.objects.filter(chain=chain, seq=seq).first()
    if entry is None:
        return CheckpointMatch(False, f"链“{chain}”中不存在第{seq}条记录（已被删除）")
    if entry.digest != digest:
        return CheckpointMatch(False, f"第{seq}条记录的摘要与检查点不符（记录被改写）")
    result = trail_verify(chain=chain)
    if not result.ok and (result.first_bad_seq or 0) <= seq:
        return CheckpointMatch(False, f"第{result.first_bad_seq}条记录不符：{result.problem}")
    return CheckpointMatch(True, f"检查点与链中第{seq}条记录一致，此前的记录均未被改动")


def chain_names() -> list[str]:
    """Every chain with a head, and every chain ever checkpointed (so deleting a head row
    does not hide its chain from the verifier)."""
    heads = set(ChainHead.objects.values_list("chain", flat=True))
    marked = set(Checkpoint.objects.values_list("chain", flat=True).distinct())
    return sorted(heads | marked)
