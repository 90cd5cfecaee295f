"""Every generated .docx: the fixed texts come from the policy and the county's registry.

Walks every function that renders an official document (found in the source, so a new one
without a case here fails), downloads each through its page as the work committee's admin,
and checks each document's citations and names: the policy cited by its real title, signatures
and copy lines naming the county's own bodies (renamed here, so a name written into the code
shows), no other county's name.
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from dangjian.documents.policy import POLICY_TITLE
from dangjian.duty_review.models import ReviewPlan
from dangjian.org.models import Body, BodyKind, Role

ROOT = Path(__file__).resolve().parents[1] / "dangjian"

# generator (module:function) -> (url name, object key in county.objects, query string)
CASES = {
    "assessment.documents:feedback_docx": ("assessment:feedback_docx", "assessment_own", ""),
    "assessment.documents:report_docx": ("assessment:report_docx", None, ""),
    "responsibility.documents:list_docx": ("responsibility:list_docx", "rlist_own", ""),
    "responsibility.documents:report_docx": ("responsibility:report_docx", "resp_org_own", ""),
    "responsibility.documents:step_docx": ("responsibility:step_docx", "step_own", ""),
    "responsibility.documents:evaluation_docx": ("responsibility:evaluation_docx",
                                                 "evaluation_own", ""),
    "responsibility.documents:commendation_docx": ("responsibility:commendation_docx",
                                                   "commendation_own", ""),
    "duty_review.outputs:notice_docx": ("duty_review:meeting_notice", "dr_meeting_own", ""),
    "duty_review.outputs:letter_docx": ("duty_review:opinion_letter", "dr_assignment_own", ""),
}
# Who signs, or is copied, on each (besides the issuing body itself).
SIGNED_BY = {
    "responsibility.documents:step_docx": BodyKind.DISCIPLINE_COMMISSION,
    "responsibility.documents:evaluation_docx": BodyKind.DISCIPLINE_COMMISSION,
    "responsibility.documents:commendation_docx": BodyKind.DISCIPLINE_COMMISSION,
}


def _generators() -> set[str]:
    """module:function of every function in the code that calls render_docx."""
    found = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or path.name == "official.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(c, ast.Call) and getattr(c.func, "id", "") == "render_docx"
                for c in ast.walk(node)
            ):
                module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                found.add(f"{module}:{node.name}")
    return found


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def test_every_document_generator_is_walked() -> None:
    assert _generators() == set(CASES)


@pytest.mark.req("X.2", "R1.5", "R3.5")
def test_documents_cite_the_policy_and_name_the_countys_bodies(county: Any, login: Any) -> None:
    objects = county.objects()
    # Renamed in the registry: a name fixed in the code no longer matches.
    for body, name in ((county.discipline_commission, "中共青川县纪律检查委员会"),
                       (county.work_committee, "中共青川县直属机关工作委员会"),
                       (county.org_dept, "中共青川县委组织部"), (county.root, "中共青川县委员会")):
        Body.objects.filter(pk=body.pk).update(name=name)
    names = {b.kind: b.name for b in Body.objects.filter(parent=None)}
    names |= {b.kind: b.name for b in Body.objects.filter(parent_id=county.root.pk)}
    plans = set(ReviewPlan.objects.values_list("title", flat=True))
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    for generator, (url, key, query) in CASES.items():
        args = [objects[key].pk] if key else []
        response = client.get(reverse(url, args=args) + query)
        assert response.status_code == 200, generator
        text = _text(response.content)
        cited = set(re.findall(r"《([^》]+)》", text))
        assert cited <= {POLICY_TITLE, *plans}, (generator, cited)
        assert "示范县" not in text, generator  # the county's old name, from nowhere but code
        assert "实施意见" not in text, generator
        if generator in SIGNED_BY:
            assert names[SIGNED_BY[generator]] in text, generator
    ledger = _text(client.get(reverse("responsibility:list_docx",
                                      args=[objects["rlist_own"].pk])).content)
    assert f"《{POLICY_TITLE}》" in ledger
    step = _text(client.get(reverse("responsibility:step_docx",
                                    args=[objects["step_own"].pk])).content)
    assert "中共青川县纪律检查委员会" in step


@pytest.mark.req("R1.5")
def test_special_report_tables_in_order_and_names_on_one_line(county: Any, login: Any) -> None:
    county.objects()
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    doc = Document(io.BytesIO(client.get(reverse("assessment:report_docx")).content))
    captions = [p.text for p in doc.paragraphs if re.match(r"表\d ", p.text)]
    assert captions == ["表1 考核等次分布", "表2 各单位考核结果"]
    results = doc.tables[-1]
    assert results.rows[0].cells[0].text == "单位"
    widths = [round(c.width.mm) for c in results.columns]
    assert widths[0] >= 60 and sum(widths) <= 156  # a unit's name on one line, in the block
    run = results.rows[1].cells[0].paragraphs[0].runs[0]
    assert run.font.size.pt == 10.5
    assert results.rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None
