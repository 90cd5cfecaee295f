"""督查考评: notes, evaluations, 提醒 → 约谈 → 通报 → 追责 step by step, praise, documents."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from docx import Document

from dangjian.core.grades import Grade
from dangjian.evidence.services import evidence_for
from dangjian.responsibility import documents
from dangjian.responsibility.models import Case, Evaluation, Stage
from dangjian.responsibility.services import (
    case_escalate,
    case_open,
    commendation_add,
    evaluation_set,
    note_add,
)
from dangjian.testing import TINY_PNG


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.req("R3.4")
def test_routine_notes_by_the_commission_and_the_work_committee(county, year):
    body = county.depts[0].committee
    today = timezone.localdate()
    for role in ("discipline", "wc_admin"):
        note = note_add(actor=county.user(role), year=year, body=body, content="检查台账",
                        noted_on=today)
        assert note.author_name
    for role in ("lg_secretary", "county", "disc_member"):
        with pytest.raises(PermissionDenied):
            note_add(actor=county.user(role), year=year, body=body, content="x", noted_on=today)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        note_add(actor=county.user("discipline"), year=year, body=body, content="x",
                 noted_on=today + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="机关党组织或机关纪检"):
        note_add(actor=county.user("discipline"), year=year, body=county.depts[0].branches[0],
                 content="x", noted_on=today)


@pytest.mark.req("R3.4", "R3.6")
def test_annual_evaluation_with_grade_and_opinion_as_a_document(county, year):
    body = county.depts[0].discipline
    jiwei = county.user("discipline")
    with pytest.raises(ValidationError) as exc:
        evaluation_set(actor=jiwei, year=year, body=body, grade="优秀", opinion="")
    assert "等次" in str(exc.value) and "考评意见" in str(exc.value)
    evaluation_set(actor=jiwei, year=year, body=body, grade=Grade.FAIRLY_GOOD, opinion="较好")
    evaluation = evaluation_set(actor=jiwei, year=year, body=body, grade=Grade.GOOD,
                                opinion="纪实完整，监督有力")
    assert Evaluation.objects.filter(year=year, body=body).count() == 1
    assert evaluation.get_grade_display() == "好"
    text = _text(documents.evaluation_docx(evaluation))
    assert "督查意见" in text and "“好”" in text and "纪实完整，监督有力" in text


@pytest.mark.req("R3.5", "R3.6")
def test_escalation_goes_step_by_step_with_evidence_and_documents(county, year):
    jiwei, body = county.user("discipline"), county.depts[0].committee
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="越级处理的理由"):
        case_open(actor=jiwei, year=year, body=body, problem="纪实不及时", stage=Stage.ACCOUNT,
                  held_on=today, by_whom="县纪委", whom="书记", content="追责")
    case = case_open(actor=jiwei, year=year, body=body, problem="纪实不及时",
                     stage=Stage.REMIND, held_on=today, by_whom="县纪委第一监督检查室",
                     whom="机关党委书记", content="提醒按时纪实",
                     files=[("提醒记录.png", TINY_PNG)])
    with pytest.raises(ValidationError, match="逐级"):
        case_escalate(actor=jiwei, case=case, stage=Stage.ACCOUNT, held_on=today,
                      by_whom="县纪委", whom="", content="追责")
    with pytest.raises(PermissionDenied):
        case_escalate(actor=county.user("lg_secretary"), case=case, stage=Stage.TALK,
                      held_on=today, by_whom="x", whom="y", content="z")
    for stage, content in ((Stage.TALK, "约谈：限期整改"), (Stage.NOTICE, "全县通报"),
                           (Stage.ACCOUNT, "给予诫勉处理"), (Stage.RESOLVED, "整改到位")):
        case = case_escalate(actor=jiwei, case=case, stage=stage, held_on=today,
                             by_whom="县纪委副书记", whom="机关党委书记", content=content,
                             follow_up="一个月内报送整改情况")
    steps = list(case.steps.all())
    assert [s.stage for s in steps] == ["remind", "talk", "notice", "account", "resolved"]
    assert Case.objects.get(pk=case.pk).stage == Stage.RESOLVED
    assert evidence_for(steps[0]).get().original_name == "提醒记录.png"
    talk = _text(documents.step_docx(steps[1]))
    assert "约谈记录" in talk and "机关党委书记" in talk and "约谈：限期整改" in talk
    decision = _text(documents.step_docx(steps[3]))
    assert "责任追究决定" in decision and "给予诫勉处理" in decision
    assert "约谈：限期整改" in decision  # the steps before it are recited


@pytest.mark.req("R3.6")
def test_outstanding_organisations_are_commended(county, year):
    praise = commendation_add(actor=county.user("wc_admin"), year=year,
                              body=county.depts[1].committee, reason="纪实规范，成效突出")
    text = _text(documents.commendation_docx(praise))
    assert "予以表扬" in text and "纪实规范，成效突出" in text
    with pytest.raises(ValidationError, match="表扬事由"):
        commendation_add(actor=county.user("wc_admin"), year=year,
                         body=county.depts[1].committee, reason=" ")
