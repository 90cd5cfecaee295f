"""The evidence verifier, registered with the trail engine: every attachment row held against
the "attach" (and "detach") entries the change trace keeps of it — file name, SM3 and size —
and, when asked, every stored file read and its SM3 recomputed. A row rewritten, inserted,
deleted or un-removed directly in the database, or a file replaced on disk, is named."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.contrib.contenttypes.models import ContentType

from dangjian.evidence.models import Attachment
from dangjian.trail.models import TrailEntry
from dangjian.trail.verification import Context, Finding, register_verifier

LABEL = "佐证材料"
BATCH = 1000
Key = tuple[str, str]  # (subject_type, subject_id) as the trace writes them


def register() -> None:
    register_verifier("evidence", label=LABEL, check=check_attachments)


def _types() -> dict[int, str]:
    return {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}


def _name(a: Attachment, subject: str) -> str:
    return f"{subject} 编号{a.object_id} 的佐证“{a.original_name}”（附件编号{a.pk}）"


def _file_problem(a: Attachment) -> str:
    try:
        with a.file.open("rb") as fh:
            digest = hashlib.new("sm3")
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return "佐证文件在存储中缺失"
    return "" if digest.hexdigest() == a.sm3 else "佐证文件的内容与SM3摘要不符（文件被替换）"


def _match(rows: list[Attachment], entries: list[TrailEntry], subject: str,
           files: bool) -> Iterator[Finding]:
    attached = [e for e in entries if e.action == "attach"]
    free = list(attached)
    for a in rows:
        want = {"文件": a.original_name, "SM3": a.sm3, "大小": a.size}
        hit = next((e for e in free if e.after == want), None)
        chain = hit.chain if hit else (attached[0].chain if attached else "")
        if hit is None:
            yield Finding(LABEL, chain, None, _name(a, subject),
                          "佐证材料与留痕不符（文件名、摘要或大小被直接改动，或被直接写入）")
            continue
        free.remove(hit)
        if files:
            problem = _file_problem(a)
            if problem:
                yield Finding(LABEL, hit.chain, hit.seq, _name(a, subject), problem)
    for e in free:
        yield Finding(LABEL, e.chain, e.seq, f"{subject} 编号{e.subject_id} 的佐证"
                      f"“{(e.after or {}).get('文件', '')}”", "佐证材料记录已被删除（留痕仍在）")
    removed: Counter[tuple[Any, Any]] = Counter(
        (a.original_name, a.sm3) for a in rows if a.removed_at is not None)
    detached: Counter[tuple[Any, Any]] = Counter(
        ((e.before or {}).get("文件"), (e.before or {}).get("SM3"))
        for e in entries if e.action == "detach")
    odd = (removed - detached) + (detached - removed)
    if odd:
        name, _ = next(iter(odd))
        row = next((a for a in rows if a.original_name == name), None)
        chain = entries[0].chain if entries else ""
        yield Finding(LABEL, chain, None, _name(row, subject) if row else subject,
                      "佐证材料的移除状态与留痕不符（被直接移除或恢复）")


def _entries(keys: list[Key]) -> dict[Key, list[TrailEntry]]:
    by_type: dict[str, list[str]] = defaultdict(list)
    for subject_type, subject_id in keys:
        by_type[subject_type].append(subject_id)
    out: dict[Key, list[TrailEntry]] = defaultdict(list)
    for subject_type, ids in by_type.items():
        for e in TrailEntry.objects.filter(
                subject_type=subject_type, subject_id__in=ids,
                action__in=("attach", "detach")).only(
                "chain", "seq", "action", "subject_type", "subject_id", "before", "after"
        ).order_by("chain", "seq"):
            out[(e.subject_type, e.subject_id)].append(e)
    return out


def _orphans(seen: set[Key]) -> Iterator[Finding]:
    """"attach" entries of subjects that have no attachment row left at all."""
    qs = TrailEntry.objects.filter(action="attach").values_list(
        "chain", "seq", "subject_type", "subject_id", "after").order_by("chain", "seq")
    for chain, seq, subject_type, subject_id, after in qs.iterator(chunk_size=BATCH):
        if (subject_type, subject_id) not in seen:
            yield Finding(LABEL, chain, seq, f"{subject_type} 编号{subject_id} 的佐证"
                          f"“{(after or {}).get('文件', '')}”", "佐证材料记录已被删除（留痕仍在）")


def _rows(batch: list[tuple[int, int]], types: dict[int, str]) -> dict[Key, list[Attachment]]:
    by_type: dict[int, list[int]] = defaultdict(list)
    for ct, oid in batch:
        by_type[ct].append(oid)
    rows: dict[Key, list[Attachment]] = defaultdict(list)
    for ct, ids in by_type.items():
        for a in Attachment.objects.filter(content_type_id=ct, object_id__in=ids).order_by("pk"):
            rows[(types[ct], str(a.object_id))].append(a)
    return rows


def check_attachments(ctx: Context) -> Iterator[Finding]:
    """The whole county's attachments (only in a complete check: `--chain` skips it)."""
    if ctx.only is not None:
        return
    types = _types()
    total = Attachment.objects.count()
    pairs = (Attachment.objects.order_by("content_type_id", "object_id")
             .values_list("content_type_id", "object_id").distinct().iterator(chunk_size=BATCH))
    seen: set[Key] = set()
    done = matched = 0
    ctx.progress(0, total)
    while batch := list(islice(pairs, BATCH)):
        keys = [(types[ct], str(oid)) for ct, oid in batch]
        seen.update(keys)
        entries, rows = _entries(keys), _rows(batch, types)
        for key in keys:
            yield from _match(rows[key], entries.get(key, []), key[0], ctx.files)
            matched += sum(e.action == "attach" for e in entries.get(key, []))
            done += len(rows[key])
        ctx.progress(done, total)
    if TrailEntry.objects.filter(action="attach").count() > matched:
        yield from _orphans(seen)
