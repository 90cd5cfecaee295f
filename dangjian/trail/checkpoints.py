"""Signed checkpoints: a chain's head as it stood, signed with TRAIL_CHECKPOINT_KEY (which the
database does not hold) and written both as a row and as a line of the witness file.

The verifier holds every chain against the checkpoints it can trust: rows whose signature
verifies and witness lines whose MAC verifies. Rows and lines are matched by the row's id, so
a row deleted shows against its line and a line deleted shows against its row; a row whose
signature fails is reported and not trusted. The claim: the trail is tamper-evident up to the
newest checkpoint held outside the database (the witness, and the codes printed on reports).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangjian.trail.models import ChainHead, Checkpoint
from dangjian.trail.signing import ROW, checker, row_message, sign, signed
from dangjian.trail.witness import GENESIS, witness_append, witness_read


def checkpoint_take(*, chain: str, actor: Any = None, note: str = "") -> Checkpoint:
    """Record the chain's head as it stands now, signed, in the database and the witness file
    (its printable code goes on reports). Commits on its own (not inside a caller's
    transaction): a row rolled back after its line was written would look like a deletion."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic(durable=True):
        head = ChainHead.objects.filter(chain=chain).first()
        cp = Checkpoint(
            chain=chain, seq=head.seq if head else 0, digest=head.digest if head else GENESIS,
            taken_at=timezone.now(),
            taken_by=(user.get_full_name() or user.get_username()) if user else "系统",
            note=note[:200],
        )
        cp.signature = sign(ROW, row_message(cp.chain, cp.seq, cp.digest, cp.taken_at,
                                             cp.taken_by, cp.note))
        cp.save(force_insert=True)
        witness_append(checkpoint_id=cp.pk, chain=cp.chain, seq=cp.seq, digest=cp.digest,
                       taken_at=cp.taken_at, signature=cp.signature)
    return cp


def row_signed(cp: Checkpoint) -> bool:
    return bool(cp.signature) and signed(
        ROW, row_message(cp.chain, cp.seq, cp.digest, cp.taken_at, cp.taken_by, cp.note),
        cp.signature)


@dataclass(frozen=True)
class Problem:
    chain: str  # "" for the witness file as a whole
    seq: int | None
    record: str
    problem: str


@dataclass
class Anchors:
    """The checkpoints the verifier trusts, per chain {seq: digest}, and what it found wrong
    with the rows and the witness; `checked` counts rows and lines read."""

    marks: dict[str, dict[int, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    checked: int = 0

    def mark(self, chain: str, seq: int, digest: str, record: str) -> None:
        marks = self.marks.setdefault(chain, {})
        if marks.setdefault(seq, digest) != digest:
            self.problems.append(Problem(chain, seq, record,
                                         "与同一序号的另一个已签名检查点不符"))


def trusted_checkpoints(chains: list[str] | None = None) -> Anchors:
    """Rows and witness lines, each checked and held against the other (`chains`: only
    those chains, and then the witness file's own problems are left to the complete check)."""
    only = frozenset(chains) if chains is not None else None
    out = Anchors()
    rows = Checkpoint.objects.order_by("id")
    if only is not None:
        rows = rows.filter(chain__in=only)
    witness = witness_read(only)
    lines = {line.id: line for line in witness.lines}
    out.checked += len(lines)
    check = checker(ROW)
    fields = ("pk", "chain", "seq", "digest", "taken_at", "taken_by", "note", "signature")
    for pk, chain, seq, digest, at, by, note, sig in rows.values_list(*fields).iterator(
            chunk_size=5000):
        out.checked += 1
        record = f"检查点#{pk}（{timezone.localtime(at):%Y-%m-%d %H:%M}）"
        if not (sig and check(row_message(chain, seq, digest, at, by, note), sig)):
            out.problems.append(Problem(chain, seq, record,
                                        "检查点签名不符（不是本系统所签，或被改动），不予采信"))
            continue
        out.mark(chain, seq, digest, record)
        line = lines.pop(pk, None)
        if line is None:
            out.problems.append(Problem(chain, seq, record,
                                        "见证文件中没有这个检查点（见证文件被截短或替换）"))
        elif (line.chain, line.seq, line.digest, line.sig) != (chain, seq, digest, sig):
            out.problems.append(Problem(chain, seq, record, f"与见证文件第{line.n}行不符"))
    for line in lines.values():  # lines whose row is gone: still trusted
        record = f"见证文件第{line.n}行（检查点#{line.id}）"
        out.mark(line.chain, line.seq, line.digest, record)
        out.problems.append(Problem(line.chain, line.seq, record,
                                    "数据库中没有这个检查点（检查点记录被删除）"))
    if only is None:
        out.problems.extend(Problem("", None, f"见证文件第{n}行", what)
                            for n, what in witness.problems)
    return out


@dataclass(frozen=True)
class Taken:
    checkpoints: list[Checkpoint]
    unchanged: int


def checkpoints_run(*, chains: list[str], actor: Any, note: str, only_changed: bool,
                    progress: Callable[[int, int], None] | None = None) -> Taken:
    """A checkpoint of each chain, each committed on its own (a run cut short keeps what it
    took). `only_changed`: skip a chain whose newest trusted checkpoint is its head (so the
    daily run is idempotent, and a chain never checkpointed gets its first)."""
    newest: dict[str, tuple[int, str]] = {}
    if only_changed:
        for chain, marks in trusted_checkpoints(chains).marks.items():
            top = max(marks)
            newest[chain] = (top, marks[top])
    heads = dict((c, (s, d)) for c, s, d in
                 ChainHead.objects.filter(chain__in=chains).values_list("chain", "seq", "digest"))
    taken: list[Checkpoint] = []
    unchanged = 0
    for n, chain in enumerate(chains, 1):
        if only_changed and chain in newest and newest[chain] == heads.get(chain, (0, GENESIS)):
            unchanged += 1
        else:
            taken.append(checkpoint_take(chain=chain, actor=actor, note=note))
        if progress is not None:
            progress(n, len(chains))
    return Taken(taken, unchanged)
