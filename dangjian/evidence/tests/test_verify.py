"""The evidence verifier in the complete check: an attachment row held against its trace
entries, and (with files) each stored file against its SM3."""

from __future__ import annotations

import pytest

from dangjian.evidence.models import Attachment
from dangjian.evidence.services import evidence_attach, evidence_remove
from dangjian.evidence.tests.test_evidence import png_bytes
from dangjian.trail.verification import verify_everything

pytestmark = pytest.mark.req("R0.6", "R0.7")


def _problems(files: bool = False) -> list[str]:
    return [f.problem for f in verify_everything(files=files).findings if f.check == "佐证材料"]


def test_attachments_kept_through_the_services_pass(county):
    person = county.depts[0].people[0]
    kept = evidence_attach(actor=None, record=person, name="a.png", data=png_bytes())
    gone = evidence_attach(actor=None, record=person, name="b.png", data=png_bytes(3, 3))
    evidence_remove(actor=None, attachment=gone)
    assert _problems(files=True) == []
    report = verify_everything(files=True)
    assert next(c for c in report.checks if c.name == "evidence").checked == 2
    assert kept.sm3 != gone.sm3


def test_a_rewritten_digest_an_inserted_row_and_an_undone_removal_are_found(county):
    person, other = county.depts[0].people[:2]
    a = evidence_attach(actor=None, record=person, name="a.png", data=png_bytes())
    b = evidence_attach(actor=None, record=person, name="b.png", data=png_bytes(3, 3))
    evidence_remove(actor=None, attachment=b)
    Attachment.objects.filter(pk=a.pk).update(size=1)  # the row is not append-only
    Attachment.objects.filter(pk=b.pk).update(removed_at=None)
    forged = Attachment.objects.create(content_type=a.content_type, object_id=other.pk,
                                       file=a.file.name, original_name="伪造.png",
                                       mime=a.mime, size=a.size, sm3=a.sm3)
    problems = _problems()
    assert "佐证材料与留痕不符（文件名、摘要或大小被直接改动，或被直接写入）" in problems
    assert "佐证材料的移除状态与留痕不符（被直接移除或恢复）" in problems
    records = [f.record for f in verify_everything().findings]
    assert any(f"附件编号{forged.pk}" in r for r in records)
    assert any(f"附件编号{a.pk}" in r for r in records)


def test_a_deleted_row_and_a_replaced_or_missing_file_are_found(county):
    person = county.depts[0].people[0]
    a = evidence_attach(actor=None, record=person, name="a.png", data=png_bytes())
    b = evidence_attach(actor=None, record=county.depts[1].people[0], name="b.png",
                        data=png_bytes(3, 3))
    with a.file.open("wb") as fh:
        fh.write(png_bytes(4, 4))
    assert _problems() == []
    assert _problems(files=True) == ["佐证文件的内容与SM3摘要不符（文件被替换）"]
    a.file.storage.delete(a.file.name)
    assert _problems(files=True) == ["佐证文件在存储中缺失"]
    Attachment.objects.filter(pk=b.pk).delete()
    assert "佐证材料记录已被删除（留痕仍在）" in _problems()

