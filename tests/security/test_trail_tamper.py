"""Someone with write access to the database rewrites the trail: each attack is run directly in
the database (guards lifted as an owner would), then the installed `dangjian verify-trail` runs
in its own process against the same database and witness file, and must exit non-zero naming
what it found. On SQLite and PostgreSQL (whichever the run is configured with).

The claim: tamper-evident up to the newest checkpoint held outside the database. The checkpoint
key lives in the environment (here the demo's key file under DANGJIAN_HOME), never the database.
"""

from __future__ import annotations

import hmac
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from dangjian.jobs.testing import database_url
from dangjian.trail.models import ChainHead, Checkpoint, TrailEntry
from dangjian.trail.services import checkpoint_take, entry_digest, sm3_hex, trail_append
from dangjian.trail.signing import row_message

pytestmark = [pytest.mark.req("R0.7"), pytest.mark.real_clock,
              pytest.mark.django_db(transaction=True)]

CHAIN = "sec:1"
COMMAND = [str(Path(sys.executable).parent / "dangjian"), "verify-trail"]


def _raw(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def _guards_off() -> Iterator[None]:
    """What an owner of the database does first: the append-only triggers off (put back
    after, for the tests that follow on this database)."""
    if connection.vendor == "postgresql":
        _raw("SET session_replication_role = replica")
        try:
            yield
        finally:
            _raw("SET session_replication_role = DEFAULT")
        return
    names = ("trail_entry_no_update", "trail_checkpoint_no_update")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s)",
                       names)
        triggers = [row[0] for row in cursor.fetchall()]
    assert len(triggers) == 2, "the append-only guards are in place before the attack"
    try:
        for name in names:
            _raw(f"DROP TRIGGER {name}")
        yield
    finally:
        for sql in triggers:
            _raw(sql)


def _append(n: int) -> None:
    for i in range(n):
        trail_append(chain=CHAIN, actor=None, action="create", subject_type="sec.thing",
                     subject_id=i, subject_label=f"对象{i}", after={"值": i})


def verify_trail() -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url(),
           "TRAIL_WITNESS_PATH": str(settings.TRAIL_WITNESS_PATH)}
    return subprocess.run(COMMAND, env=env, capture_output=True, text=True, timeout=180,
                          check=False)


def _said(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


@pytest.fixture
def trail() -> list[Checkpoint]:
    """Eight entries, checkpointed at 6 (the daily checkpoint) and at 8; verify-trail passes."""
    _append(6)
    first = checkpoint_take(chain=CHAIN, note="每日检查点")
    _append(2)
    second = checkpoint_take(chain=CHAIN, note="纪实报告")
    clean = io.StringIO()
    call_command("verify_trail", stdout=clean)  # the same command, here: the baseline
    assert "全部校验通过" in clean.getvalue() and f"完好  {CHAIN}  8条" in clean.getvalue()
    assert "检查点：核对4条，全部相符" in clean.getvalue()  # 2 rows + 2 witness lines
    return [first, second]


def _rewind_to(seq: int) -> None:
    """Delete the entries after `seq` and rewind the head row to match."""
    last = TrailEntry.objects.get(chain=CHAIN, seq=seq)
    _raw("DELETE FROM trail_trailentry WHERE chain = %s AND seq > %s", [CHAIN, seq])
    _raw("UPDATE trail_chainhead SET seq = %s, digest = %s WHERE chain = %s",
         [seq, last.digest, CHAIN])


def test_deleting_the_last_entries_and_rewinding_the_head_is_found(
        trail: list[Checkpoint]) -> None:
    with _guards_off():
        _rewind_to(4)
    assert TrailEntry.objects.filter(chain=CHAIN).count() == 4  # the attack took
    bad = verify_trail()
    assert bad.returncode != 0
    assert f"不符  {CHAIN}  已核对4条，第5条：记录少于第8号检查点（末尾记录被删除）" in bad.stdout
    assert "全部校验通过" not in bad.stdout


def test_rehashing_the_whole_chain_with_the_apps_own_digest_is_found(
        trail: list[Checkpoint]) -> None:
    """Entry 2 is changed and every digest after it recomputed with `entry_digest`, the head
    row too: every link and digest is consistent; only the signed checkpoints disagree."""
    with _guards_off():
        prev = TrailEntry.objects.get(chain=CHAIN, seq=1).digest
        for entry in TrailEntry.objects.filter(chain=CHAIN, seq__gte=2).order_by("seq"):
            if entry.seq == 2:
                entry.after = {"值": 999}
                _raw("UPDATE trail_trailentry SET after = %s WHERE id = %s",
                     ['{"值": 999}', entry.pk])
            entry.prev_digest = prev
            entry.digest = prev = entry_digest(entry)
            _raw("UPDATE trail_trailentry SET prev_digest = %s, digest = %s WHERE id = %s",
                 [entry.prev_digest, entry.digest, entry.pk])
        _raw("UPDATE trail_chainhead SET digest = %s WHERE chain = %s", [prev, CHAIN])
    assert TrailEntry.objects.get(chain=CHAIN, seq=2).after == {"值": 999}
    bad = verify_trail()
    assert bad.returncode != 0
    assert f"不符  {CHAIN}  已核对5条，第6条：与已保存的检查点不符" in bad.stdout


def test_deleting_checkpoint_rows_to_hide_a_rewind_is_found(
        trail: list[Checkpoint]) -> None:
    with _guards_off():
        _rewind_to(3)
        _raw("DELETE FROM trail_checkpoint WHERE chain = %s", [CHAIN])
    assert not Checkpoint.objects.exists()
    bad = verify_trail()
    assert bad.returncode != 0
    out = bad.stdout
    for cp in trail:  # each row's witness line stands in for it, and shows it gone
        assert f"见证文件第{trail.index(cp) + 1}行（检查点#{cp.pk}）：数据库中没有这个检查点" in out
    assert f"不符  {CHAIN}  已核对3条，第4条：记录少于第8号检查点（末尾记录被删除）" in out


def test_removing_the_witness_files_last_line_is_found(
        trail: list[Checkpoint]) -> None:
    path = Path(settings.TRAIL_WITNESS_PATH)
    lines = path.read_bytes().splitlines(keepends=True)
    assert len(lines) == 2
    path.write_bytes(lines[0])
    bad = verify_trail()
    assert bad.returncode != 0
    assert (f"检查点#{trail[1].pk}（" in bad.stdout
            and "见证文件中没有这个检查点（见证文件被截短或替换）" in bad.stdout)


def test_removing_the_witness_line_and_its_row_still_leaves_the_older_ones(
        trail: list[Checkpoint]) -> None:
    """Both the newest row and the newest witness line gone: the older checkpoint (seq 6)
    still holds the chain; a rewind below it is found."""
    path = Path(settings.TRAIL_WITNESS_PATH)
    path.write_bytes(path.read_bytes().splitlines(keepends=True)[0])
    with _guards_off():
        _raw("DELETE FROM trail_checkpoint WHERE id = %s", [trail[1].pk])
        _rewind_to(5)
    bad = verify_trail()
    assert bad.returncode != 0
    assert "第6条：记录少于第6号检查点（末尾记录被删除）" in bad.stdout


def test_a_forged_checkpoint_row_is_refused(
        trail: list[Checkpoint]) -> None:
    """The attacker rewinds the chain and adds a checkpoint of the rewound head, its digest
    right but its signature made without the key (SM3 of the row, and an HMAC under a guess)."""
    with _guards_off():
        _rewind_to(4)
        _raw("DELETE FROM trail_checkpoint WHERE chain = %s", [CHAIN])
    head = ChainHead.objects.get(chain=CHAIN)
    at = timezone.now()
    message = row_message(CHAIN, head.seq, head.digest, at, "系统", "每日检查点")
    for forged in (sm3_hex(message),
                   hmac.new(b"dangjian", b"trail-checkpoint\n" + message, "sm3").hexdigest()):
        Checkpoint.objects.create(chain=CHAIN, seq=head.seq, digest=head.digest, taken_at=at,
                                  taken_by="系统", note="每日检查点", signature=forged)
    bad = verify_trail()
    assert bad.returncode != 0
    assert bad.stdout.count("检查点签名不符（不是本系统所签，或被改动），不予采信") == 2
    # Not taken as a checkpoint: the witness's still hold, and the rewind shows against them.
    assert "第5条：记录少于第8号检查点（末尾记录被删除）" in bad.stdout


def test_a_forged_witness_line_is_refused(
        trail: list[Checkpoint]) -> None:
    path = Path(settings.TRAIL_WITNESS_PATH)
    last = path.read_bytes().splitlines()[-1]
    forged = last.replace(b'"seq":8', b'"seq":4')
    path.write_bytes(path.read_bytes() + forged + b"\n")
    bad = verify_trail()
    assert bad.returncode != 0
    assert "见证文件第3行：签名不符（此行被改动或伪造）" in bad.stdout


def test_a_line_removed_from_the_middle_of_the_witness_is_found(
        trail: list[Checkpoint]) -> None:
    checkpoint_take(chain=CHAIN, note="第三个")
    path = Path(settings.TRAIL_WITNESS_PATH)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + lines[2])
    bad = verify_trail()
    assert bad.returncode != 0
    assert "见证文件第2行：行号为3，前一行为1（有行被删除或插入）" in bad.stdout
    assert f"检查点#{trail[1].pk}（" in bad.stdout
