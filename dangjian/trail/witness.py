"""The witness: every signed checkpoint also appended, one JSON line each, to a file outside the
database (TRAIL_WITNESS_PATH, meant for another disk or host), so that deleting checkpoint rows
shows against the file, and shortening the file shows against the rows.

Each line carries its own line number, the checkpoint row's id and signature, the SM3 of the
line before it, and an HMAC-SM3 over all of that: a line cannot be forged or edited without the
key, a line removed from the middle breaks the numbering and the link, and the last line removed
leaves its checkpoint row pointing at nothing.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from dangjian.trail.signing import canonical, checker, moment, sign

GENESIS = "0" * 64
PURPOSE = "trail-witness"
FIELDS = ("n", "id", "chain", "seq", "digest", "at", "sig", "prev")


def witness_path() -> Path:
    return Path(settings.TRAIL_WITNESS_PATH)


def _sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def _last_line(fd: int) -> bytes | None:
    """The file's last complete line, read backwards from its end."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    chunk, tail = 4096, b""
    pos = size
    while pos > 0:
        step = min(chunk, pos)
        pos -= step
        tail = os.pread(fd, step, pos) + tail
        body = tail[:-1] if tail.endswith(b"\n") else tail
        if b"\n" in body:
            return body.rsplit(b"\n", 1)[1]
    return tail.rstrip(b"\n")


def _count_lines(fd: int) -> int:
    size = os.fstat(fd).st_size
    return os.pread(fd, size, 0).count(b"\n")


def witness_append(*, checkpoint_id: int, chain: str, seq: int, digest: str,
                   taken_at: dt.datetime, signature: str) -> int:
    """Append one checkpoint (under an exclusive lock: several processes may checkpoint at
    once) and flush it to disk; returns its line number."""
    path = witness_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last_line(fd)
        n, prev = 1, GENESIS
        if last is not None:
            prev = _sm3(last)
            try:
                n = int(json.loads(last)["n"]) + 1
            except (ValueError, KeyError, TypeError):
                n = _count_lines(fd) + 1
        values = {"n": n, "id": checkpoint_id, "chain": chain, "seq": seq, "digest": digest,
                  "at": moment(taken_at), "sig": signature, "prev": prev}
        values["mac"] = sign(PURPOSE, canonical(*(values[k] for k in FIELDS)))
        line = json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n"
        os.write(fd, line.encode())
        os.fsync(fd)
        return n
    finally:
        os.close(fd)  # releases the lock


@dataclass(frozen=True)
class WitnessLine:
    n: int
    id: int
    chain: str
    seq: int
    digest: str
    sig: str


@dataclass
class WitnessRead:
    path: Path
    exists: bool = False
    lines: list[WitnessLine] = field(default_factory=list)  # the lines whose MAC verifies
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, what)


def _parse(raw: bytes, check: Callable[[bytes, str], bool]) -> dict[str, object] | None:
    try:
        values = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(values, dict) or any(k not in values for k in (*FIELDS, "mac")):
        return None
    message = canonical(*(values[k] for k in FIELDS))
    return values if check(message, str(values["mac"])) else None


def _chain_marks(chains: frozenset[str]) -> tuple[bytes, ...]:
    """How each chain's name appears in a line as written (to skip other chains' lines)."""
    return tuple(b'"chain":' + json.dumps(c, ensure_ascii=False).encode() + b","
                 for c in chains)


def witness_read(chains: frozenset[str] | None = None) -> WitnessRead:
    """Every line checked: its MAC, its number, its link to the line before. `chains` reads
    only those chains' lines, and leaves the file as a whole (numbering, links) to the
    complete check, which reads every line."""
    out = WitnessRead(witness_path())
    try:
        data = out.path.read_bytes()
    except FileNotFoundError:
        return out
    out.exists = True
    check = checker(PURPOSE)
    raws = data.split(b"\n")
    if chains is not None:
        marks = _chain_marks(chains)
        for raw in raws:
            values = _parse(raw, check) if any(m in raw for m in marks) else None
            if values is not None and values["chain"] in chains:
                out.lines.append(_line(values))
        return out
    if raws[-1]:
        out.problems.append((len(raws), "最后一行不完整（写入中断或被截断）"))
    prev, last_n = GENESIS, 0
    for i, raw in enumerate(raws[:-1], 1):
        values = _parse(raw, check)
        if values is None:
            out.problems.append((i, "签名不符（此行被改动或伪造）"))
        else:
            n = int(str(values["n"]))
            if n != last_n + 1:
                out.problems.append((i, f"行号为{n}，前一行为{last_n}（有行被删除或插入）"))
            elif values["prev"] != prev:
                out.problems.append((i, "与前一行不衔接（前一行被改动或替换）"))
            last_n = n
            out.lines.append(_line(values))
        prev = _sm3(raw)
    return out


def _line(values: dict[str, object]) -> WitnessLine:
    return WitnessLine(int(str(values["n"])), int(str(values["id"])), str(values["chain"]),
                       int(str(values["seq"])), str(values["digest"]), str(values["sig"]))
