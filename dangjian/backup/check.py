"""The check after a restore: every table's row count equals the manifest's, the chain heads
are the manifest's, the complete trail check passes (`verify-trail --files`, run as that
command runs; it raises when anything does not match), and every evidence file's SM3 and the
witness file's SHA-256 equal those recorded at backup time."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.backup.database import table_counts
from dangjian.backup.paths import witness_path
from dangjian.trail.models import ChainHead


@dataclass
class Check:
    tables: int = 0
    rows: int = 0
    count_mismatches: list[str] = field(default_factory=list)
    heads: int = 0
    head_mismatches: list[str] = field(default_factory=list)
    trail_ok: bool = False
    trail_message: str = ""
    evidence: int = 0
    evidence_bad: list[str] = field(default_factory=list)
    witness: str = "归档中无见证文件"
    witness_ok: bool = True

    @property
    def ok(self) -> bool:
        return (not self.count_mismatches and not self.head_mismatches and self.trail_ok
                and not self.evidence_bad and self.witness_ok)


def _digest(path: Path, name: str) -> str | None:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, name).hexdigest()
    except OSError:
        return None


def _counts(check: Check, manifest: dict[str, Any]) -> None:
    want: dict[str, int] = manifest["tables"]
    have = table_counts()
    check.tables, check.rows = len(want), sum(want.values())
    for table in sorted(set(want) | {t for t, n in have.items() if n}):
        if have.get(table, 0) != want.get(table, 0):
            check.count_mismatches.append(
                f"{table}：应为{want.get(table, 0)}行，实为{have.get(table, 0)}行")


def _heads(check: Check, manifest: dict[str, Any]) -> None:
    want: dict[str, dict[str, Any]] = manifest["chain_heads"]
    have = {h.chain: {"seq": h.seq, "digest": h.digest} for h in ChainHead.objects.all()}
    check.heads = len(want)
    for chain in sorted(set(want) | set(have)):
        if want.get(chain) != have.get(chain):
            check.head_mismatches.append(f"链 {chain} 的链头与清单不符")


def _trail(check: Check) -> None:
    out = io.StringIO()
    try:
        call_command("verify_trail", "--files", stdout=out, stderr=out)
    except CommandError as exc:
        check.trail_ok, check.trail_message = False, str(exc)
    else:
        check.trail_ok, check.trail_message = True, "全部校验通过"


def _evidence(check: Check, manifest: dict[str, Any]) -> None:
    root = Path(settings.MEDIA_ROOT)
    for e in manifest["evidence"]:
        check.evidence += 1
        got = _digest(root / e["path"], "sm3")
        if got != e["sm3"]:
            check.evidence_bad.append(
                f"附件编号{e['id']}：{'文件缺失' if got is None else '内容与SM3摘要不符'}")


def _witness(check: Check, manifest: dict[str, Any]) -> None:
    member = manifest.get("witness")
    if not member:
        return
    got = _digest(witness_path(), "sha256")
    check.witness_ok = got == manifest["members"][member]["sha256"]
    check.witness = "见证文件一致" if check.witness_ok else "见证文件与归档不符"


def restore_check(manifest: dict[str, Any]) -> Check:
    check = Check()
    _counts(check, manifest)
    _heads(check, manifest)
    _trail(check)
    _evidence(check, manifest)
    _witness(check, manifest)
    return check
