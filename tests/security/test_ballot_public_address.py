"""The public ballot pages cannot be found by counting: a box is addressed by a 128-bit token.

The attacker walks /b/1/ … /b/64/ (and their receipt lists) with boxes in every state present,
then tries random tokens of the right shape; the slips, QR codes and API links carry the token.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

import pytest
import segno
from django.test import Client

from dangjian.ballots.models import Ballot, Box
from dangjian.ballots.services import box_close, box_create, box_open, codes_issue
from dangjian.org.models import Role

TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")


@pytest.fixture
def boxes(county):
    made = []
    for state in ("draft", "open", "closed"):
        box = box_create(actor=None, title=f"地址测试{state}", purpose="test",
                         owner_body=county.work_committee, candidates=[("甲", "", "")],
                         check_scope=False)
        codes_issue(actor=None, box=box, count=2, check_scope=False)
        if state != "draft":
            box = box_open(actor=None, box=box, check_scope=False)
        if state == "closed":
            box = box_close(actor=None, box=box, check_scope=False)
        made.append(box)
    return made


@pytest.mark.req("R2.7")
def test_counting_box_ids_finds_no_ballot_page(boxes, client):
    found = []
    for pk in sorted(set(range(1, 65)) | {b.pk for b in boxes}):  # and the boxes' real ids
        for path in (f"/b/{pk}/", f"/b/{pk}/receipts/"):
            if client.get(path).status_code != 404:
                found.append(path)
        if client.post(f"/b/{pk}/", {"code": "ABCD-EFGH-JKLM"}).status_code != 404:
            found.append(f"POST /b/{pk}/")
    assert found == []
    for box in boxes:  # while each box's own address answers
        assert client.get(f"/b/{box.token}/").status_code == 200
        assert client.get(f"/b/{box.token}/receipts/").status_code == 200


@pytest.mark.req("R2.7")
def test_random_tokens_find_nothing(boxes, client):
    tokens = {b.token for b in boxes}
    assert all(TOKEN.fullmatch(t) for t in tokens) and len(tokens) == len(boxes)
    misses = 0
    for _ in range(300):
        guess = secrets.token_urlsafe(16)
        assert guess not in tokens
        misses += client.get(f"/b/{guess}/").status_code == 404
    assert misses == 300
    # Near misses: one character changed, or the token of one box under another's id.
    token = boxes[1].token
    near = ("A" if token[0] != "A" else "B") + token[1:]
    assert client.get(f"/b/{near}/").status_code == 404
    if token.swapcase() != token:  # tokens are case-sensitive
        assert client.get(f"/b/{token.swapcase()}/").status_code == 404
    assert client.get(f"/b/{token}x/").status_code == 404


@pytest.mark.req("R2.7")
def test_the_slips_and_the_api_carry_the_token_not_the_id(boxes, county, login):
    box = Box.objects.get(pk=boxes[0].pk)  # the draft box, in the chair's scope
    chair = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    sheet = chair.post(f"/ballots/{box.pk}/codes/", {"count": "3"}).content.decode()
    url = f"http://testserver/b/{box.token}/"
    assert url in sheet and f"/b/{box.pk}/" not in sheet
    codes = [c.replace("-", "") for c in re.findall(r'<div class="code">([A-Z2-9-]+)</div>', sheet)]
    assert len(codes) == 3
    for code in codes:  # each QR code is exactly the token address with the code
        qr = segno.make(f"{url}#{code}", error="m").svg_inline(scale=3)
        assert qr in sheet
    issued = chair.post(f"/api/ballots/{box.pk}/codes", {"count": 2},
                        content_type="application/json").json()
    assert urlsplit(issued["vote_url"]).path == f"/b/{box.token}/"
    assert all(urlsplit(s["link"]).path == f"/b/{box.token}/" for s in issued["slips"])
    detail = chair.get(f"/api/ballots/{box.pk}").json()
    assert detail["vote_url"] == f"/b/{box.token}/"
    page = chair.get(f"/ballots/{box.pk}/").content.decode()
    assert f"/b/{box.token}/" in page


@pytest.mark.req("R2.7")
def test_a_sheet_sent_to_an_id_address_stores_nothing(boxes, county):
    box = boxes[1]  # open
    chair = Client()
    chair.force_login(county.user(Role.WORK_COMMITTEE_ADMIN))
    sheet = chair.post(f"/ballots/{box.pk}/codes/", {"count": "1"}).content.decode()
    [code] = re.findall(r'<div class="code">([A-Z2-9-]+)</div>', sheet)
    field = f"c_{box.candidates.get().pk}"
    rater = Client()
    assert rater.post(f"/b/{box.pk}/", {"code": code, field: "good"}).status_code == 404
    assert not Ballot.objects.filter(box=box).exists()
    assert rater.post(f"/b/{box.token}/", {"code": code, field: "good"}).status_code == 200
    assert Ballot.objects.filter(box=box).count() == 1
