"""Tamper evidence: edits or deletions made directly in the database, bypassing the app, are
found and the first record that does not match is named (on SQLite and PostgreSQL)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from dangjian.evidence.models import Attachment
from dangjian.responsibility.models import DutyRecord, chain_for
from dangjian.responsibility.services import duty_chain_verify, duty_checkpoint, record_add
from dangjian.responsibility.tests.conftest import drop_guards, raw
from dangjian.runner import command_line
from dangjian.testing import TINY_PNG
from dangjian.trail.models import ChainHead, TrailEntry
from dangjian.trail.services import checkpoint_check
from dangjian.trail.verification import verify_everything


def _records(county, item, n=4):
    return [record_add(actor=county.user("org_secretary"), item=item, summary=f"第{i}次履责",
                       occurred_on=timezone.localdate(), progress=10 * i,
                       files=[("照片.png", TINY_PNG)] if i == 2 else [])
            for i in range(1, n + 1)]


@pytest.mark.req("R3.3")
def test_an_untouched_chain_verifies(county, item):
    records = _records(county, item)
    result = duty_chain_verify(body=records[0].body)
    assert result.ok and result.checked == 4
    assert verify_everything(files=True).ok


@pytest.mark.req("R3.3")
def test_editing_a_record_row_is_detected_and_named(county, item):
    records = _records(county, item)
    drop_guards()
    raw("UPDATE responsibility_dutyrecord SET summary = %s WHERE id = %s",
        ["伪造的履责情况", records[2].pk])
    result = duty_chain_verify(body=records[0].body)
    assert not result.ok and result.first_bad_seq == 3
    assert result.record_url == reverse("responsibility:record_detail", args=[records[2].pk])
    assert "被直接改动" in result.problem


@pytest.mark.req("R3.3")
def test_editing_a_chain_entry_is_detected(county, item):
    records = _records(county, item)
    drop_guards()
    chain = chain_for(records[0].body_id)
    raw("UPDATE trail_trailentry SET note = %s WHERE chain = %s AND seq = 2", ["改", chain])
    result = duty_chain_verify(body=records[0].body)
    assert not result.ok and result.first_bad_seq == 2
    assert result.record_url == reverse("responsibility:record_detail", args=[records[1].pk])


@pytest.mark.req("R3.3")
def test_deleting_a_record_row_is_detected(county, item):
    records = _records(county, item)
    drop_guards()
    raw("DELETE FROM responsibility_dutyrecord WHERE id = %s", [records[1].pk])
    result = duty_chain_verify(body=records[0].body)
    assert not result.ok and result.first_bad_seq == 2 and "已被删除" in result.problem


@pytest.mark.req("R3.3")
def test_changing_an_evidence_digest_or_file_is_detected(county, item, settings):
    records = _records(county, item)
    photo = Attachment.objects.get(object_id=records[1].pk)
    # The file in storage replaced: only a deep check (reading the files) sees it.
    with photo.file.open("wb") as fh:
        fh.write(TINY_PNG + b"\x00")
    assert verify_everything().ok
    deep = verify_everything(files=True)
    assert not deep.ok and [f.problem for f in deep.findings] == [
        "佐证文件的内容与SM3摘要不符（文件被替换）"]
    assert f"编号{records[1].pk} 的佐证“照片.png”" in deep.findings[0].record
    # The digest in the attachment row rewritten to match: the chain still remembers.
    drop_guards()
    raw("UPDATE evidence_attachment SET sm3 = %s WHERE id = %s", ["0" * 64, photo.pk])
    result = duty_chain_verify(body=records[0].body)
    assert not result.ok and result.first_bad_seq == 2
    checks = {f.check for f in verify_everything().findings}
    assert checks == {"履责纪实", "佐证材料"}  # both copies of the digest disagree with it


@pytest.mark.req("R3.3")
def test_truncating_the_chain_and_rewinding_its_head_is_caught_by_a_checkpoint(county, item):
    records = _records(county, item)
    body = records[0].body
    checkpoint = duty_checkpoint(body=body, note="季度检查点")
    assert checkpoint.seq == 4
    drop_guards()
    chain = chain_for(body.pk)
    # A careful forger removes the last record and its entry and rewinds the head row.
    raw("DELETE FROM responsibility_dutyrecord WHERE id = %s", [records[3].pk])
    raw("DELETE FROM trail_trailentry WHERE chain = %s AND seq = 4", [chain])
    third = TrailEntry.objects.get(chain=chain, seq=3)
    raw("UPDATE trail_chainhead SET seq = 3, digest = %s WHERE chain = %s", [third.digest, chain])
    result = duty_chain_verify(body=body)
    assert not result.ok and "检查点" in result.problem
    # The checkpoint printed on a report no longer matches either.
    match = checkpoint_check(chain=chain, seq=checkpoint.seq, digest=checkpoint.digest)
    assert not match.ok and "已被删除" in match.message


@pytest.mark.req("R3.3")
def test_verify_trail_command_names_the_first_bad_record(county, item):
    records = _records(county, item)
    chain = chain_for(records[0].body_id)
    out = io.StringIO()
    call_command("verify_trail", chain=[chain], stdout=out)
    assert f"完好  {chain}  4条" in out.getvalue()
    head = ChainHead.objects.get(chain=chain)
    out = io.StringIO()
    call_command("verify_trail", checkpoint=[f"{chain}#{head.seq}:{head.digest}"], stdout=out)
    assert "一致" in out.getvalue()
    drop_guards()
    raw("UPDATE trail_trailentry SET after = %s WHERE chain = %s AND seq = 3", ['{"x": 1}', chain])
    out = io.StringIO()
    with pytest.raises(CommandError, match="校验不通过"):
        call_command("verify_trail", stdout=out)
    assert f"不符  {chain}  已核对2条，第3条" in out.getvalue()


def test_the_console_name_maps_to_the_command():
    assert command_line(["dangjian", "verify-trail", "--chain", "x"])[1] == "verify_trail"


@pytest.mark.req("R3.3")
def test_the_database_refuses_to_rewrite_checkpoints(county, item):
    from django.db import DatabaseError, transaction

    from dangjian.trail.models import Checkpoint

    records = _records(county, item, n=1)
    checkpoint = duty_checkpoint(body=records[0].body)
    with pytest.raises(DatabaseError), transaction.atomic():
        Checkpoint.objects.filter(pk=checkpoint.pk).update(digest="0" * 64)
    assert DutyRecord.objects.count() == 1


@pytest.mark.req("R3.3")
def test_editing_an_items_derived_progress_is_detected(county, item):
    from dangjian.responsibility.models import LedgerItem

    records = _records(county, item)
    assert LedgerItem.objects.get(pk=item.pk).progress == 40  # the highest record's
    LedgerItem.objects.filter(pk=item.pk).update(progress=100)  # not append-only: no guard
    result = duty_chain_verify(body=records[0].body)
    assert not result.ok and "台账第1项" in result.problem
