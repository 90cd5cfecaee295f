"""`dangjian verify-trail` runs the complete check the 纪实校验 page runs: a 纪实 record, its
chain entry, an attachment or an evidence file changed directly (bypassing the app) is named
by the command, which exits non-zero (on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dangjian.evidence.models import Attachment
from dangjian.responsibility.models import chain_for
from dangjian.responsibility.services import record_add
from dangjian.responsibility.tests.conftest import drop_guards, raw
from dangjian.testing import TINY_PNG
from dangjian.trail.models import ChainHead, TrailEntry
from dangjian.trail.verification import verify_everything

pytestmark = pytest.mark.req("R3.3", "R0.7")


def _records(county: Any, item: Any, n: int = 4) -> list[Any]:
    return [record_add(actor=county.user("org_secretary"), item=item, summary=f"第{i}次履责",
                       occurred_on=timezone.localdate(), progress=10 * i,
                       files=[("照片.png", TINY_PNG)] if i == 2 else [])
            for i in range(1, n + 1)]


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_trail", *args, stdout=out)
    return out.getvalue()


def _fails(*args: str) -> tuple[str, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("verify_trail", *args, stdout=out)
    return out.getvalue(), str(failed.value)


def test_a_clean_county_passes(county, item):
    records = _records(county, item)
    out = _run("--files")
    chain = chain_for(records[0].body_id)
    assert f"完好  {chain}  4条" in out
    assert "履责纪实：核对4条，全部相符" in out and "佐证材料：核对1条，全部相符" in out
    assert "已读取佐证文件并重算SM3摘要" in out and out.rstrip().endswith("全部校验通过")


def test_a_record_changed_in_the_database_is_named(county, item):
    records = _records(county, item)
    drop_guards()
    raw("UPDATE responsibility_dutyrecord SET summary = %s WHERE id = %s",
        ["伪造的履责情况", records[2].pk])
    out, error = _fails()
    chain = chain_for(records[0].body_id)
    assert f"完好  {chain}  4条" in out  # the chain itself is intact: only the record changed
    assert "履责纪实：核对3条，1处不符" in out  # stopped at the first mismatch
    assert (f"第一处不符：[履责纪实] {chain} 第3条  履责纪实记录 编号{records[2].pk}"
            in error) and "纪实记录与留痕不符（被直接改动）" in error


def test_a_deleted_record_is_named(county, item):
    records = _records(county, item)
    drop_guards()
    raw("DELETE FROM responsibility_dutyrecord WHERE id = %s", [records[2].pk])
    out, error = _fails()
    chain = chain_for(records[0].body_id)
    assert f"[履责纪实] {chain} 第3条" in error and "第3条纪实记录已被删除（留痕仍在）" in error
    assert "台账第1项的进度或纪实条数与纪实记录不符" in out  # the item still counts it


def test_a_changed_trail_entry_is_named(county, item):
    records = _records(county, item)
    drop_guards()
    chain = chain_for(records[0].body_id)
    raw("UPDATE trail_trailentry SET note = %s WHERE chain = %s AND seq = 2", ["改", chain])
    out, error = _fails()
    assert f"不符  {chain}  已核对1条，第2条：记录内容与摘要不符（被改动）" in out
    assert (f"第一处不符：[留痕链] {chain} 第2条  履责纪实记录 编号{records[1].pk}"
            in error)
    assert "履责纪实：核对1条，全部相符" in out  # records are held only against intact entries


def test_a_changed_evidence_file_is_named_with_files(county, item):
    records = _records(county, item)
    photo = Attachment.objects.get(object_id=records[1].pk)
    with photo.file.open("wb") as fh:
        fh.write(TINY_PNG + b"\x00")
    assert "全部校验通过" in _run()  # without --files the files are not read
    out, error = _fails("--files")
    assert "佐证材料：核对1条，1处不符" in out
    assert f"编号{records[1].pk} 的佐证“照片.png”" in error
    assert "佐证文件的内容与SM3摘要不符（文件被替换）" in error


def test_a_deleted_attachment_row_is_named(county, item):
    records = _records(county, item)
    drop_guards()
    raw("DELETE FROM evidence_attachment WHERE object_id = %s", [records[1].pk])
    _, error = _fails()
    assert "佐证材料记录已被删除（留痕仍在）" in error or "纪实记录与留痕不符" in error
    report = verify_everything()
    assert {f.problem for f in report.findings} >= {"佐证材料记录已被删除（留痕仍在）",
                                                     "纪实记录与留痕不符（被直接改动）"}


def test_chain_and_checkpoint_options_are_kept(county, item):
    records = _records(county, item)
    chain = chain_for(records[0].body_id)
    out = _run("--chain", chain)
    assert f"完好  {chain}  4条" in out and "changes" not in out.split("履责纪实")[0]
    head = ChainHead.objects.get(chain=chain)
    assert "一致" in _run("--checkpoint", f"{chain}#{head.seq}:{head.digest}")
    _, error = _fails("--checkpoint", f"{chain}#{head.seq}:{'0' * 64}")
    assert "检查点" in error


@contextmanager
def _guards_off() -> Iterator[None]:
    """Tamper outside a test transaction, then put the guards back for the tests after."""
    if connection.vendor == "postgresql":
        raw("SET session_replication_role = replica")
        try:
            yield
        finally:
            raw("SET session_replication_role = DEFAULT")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                       "AND name IN ('duty_record_no_update', 'trail_entry_no_update')")
        triggers = [row[0] for row in cursor.fetchall()]
    raw("DROP TRIGGER duty_record_no_update")
    raw("DROP TRIGGER trail_entry_no_update")
    try:
        yield
    finally:
        for sql in triggers:
            raw(sql)


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.real_clock  # the command runs in its own process
@pytest.mark.django_db(transaction=True)
def test_the_installed_command_names_the_changed_record(county, item, tmp_path: Path):
    records = _records(county, item, n=3)
    env = {**os.environ, "DATABASE_URL": _database_url()}
    command = [str(Path(sys.executable).parent / "dangjian"), "verify-trail"]
    clean = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0, clean.stderr
    assert "全部校验通过" in clean.stdout and "正在重算留痕链" in clean.stdout
    with _guards_off():
        raw("UPDATE responsibility_dutyrecord SET summary = %s WHERE id = %s",
            ["伪造的履责情况", records[1].pk])
    bad = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
    assert f"履责纪实记录 编号{records[1].pk}" in bad.stderr
    assert "纪实记录与留痕不符（被直接改动）" in bad.stderr
    assert "全部校验通过" not in bad.stdout


@pytest.mark.req("R3.4")
def test_a_spot_checks_changed_draw_is_named(county, year):
    from dangjian.responsibility.models import SpotCheck
    from dangjian.responsibility.services import spotcheck_commit, spotcheck_draw

    jiwei = county.user("discipline")
    check = spotcheck_draw(actor=jiwei, check=spotcheck_commit(
        actor=jiwei, year=year, title="一季度抽查", strata={"all": 1}, seed="公开种子"))
    assert "随机抽查：核对1条，全部相符" in _run()
    population = check.population["all"]
    other = next(b for b in population if b not in check.drawn["all"])
    SpotCheck.objects.filter(pk=check.pk).update(drawn={"all": [other]})  # not guarded
    _, error = _fails()
    chain = TrailEntry.objects.get(subject_type="responsibility.spotcheck",
                                   subject_id=str(check.pk), action="update").chain
    assert f"[随机抽查] {chain}" in error and f"随机抽查“一季度抽查”（编号{check.pk}）" in error
    assert "抽中名单或种子与留痕不符（被直接改动）" in error
    problems = {f.problem for f in verify_everything().findings}
    assert "按种子重新抽取的结果与抽中名单不符" in problems


@pytest.mark.django_db(transaction=True)
def test_the_page_runs_the_check_in_a_real_worker(county, item, client, tmp_path: Path):
    from dangjian.jobs.models import Job, JobState
    from dangjian.jobs.testing import start_worker, stop_worker, wait_for

    records = _records(county, item, n=3)
    with _guards_off():
        raw("UPDATE responsibility_dutyrecord SET summary = %s WHERE id = %s",
            ["伪造的履责情况", records[1].pk])
    client.force_login(county.user("discipline"))
    worker = start_worker(tmp_path)  # MEDIA_ROOT is tmp_path/files here and in the worker
    try:
        submitted = client.post(reverse("responsibility:chains"),
                                {"action": "verify", "files": "1"})
        job = Job.objects.get(kind="trail.verify")
        assert submitted.url == job.get_absolute_url()

        def ended() -> Job | None:
            job.refresh_from_db()
            return job if job.finished_state else None

        wait_for(ended)
        assert job.state == JobState.DONE and job.result["ok"] is False
        assert job.owner == county.user("discipline") and job.finished is not None
        assert job.total > 0 and job.done == job.total  # progress was told
        page = client.get(submitted.url).content.decode()
        assert f"履责纪实记录 编号{records[1].pk}" in page and "纪实记录与留痕不符" in page
        assert "已读取佐证文件" in page
        cp = client.post(reverse("responsibility:chains"), {"action": "checkpoint"})
        cp_job = Job.objects.get(kind="trail.checkpoints")
        assert cp.url == cp_job.get_absolute_url()
        wait_for(lambda: cp_job.refresh_from_db() or cp_job.finished_state)
        assert cp_job.state == JobState.DONE
        assert cp_job.result["count"] == ChainHead.objects.count() >= 2
    finally:
        stop_worker(worker)
