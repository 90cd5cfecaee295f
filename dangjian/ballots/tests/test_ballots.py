import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dangjian.ballots.cast import cast
from dangjian.ballots.models import Ballot, Box, BoxStatus, Code
from dangjian.ballots.rules import describe, overall
from dangjian.ballots.selectors import audit, grade_counts, receipts, tally
from dangjian.ballots.services import (
    Audit,
    BallotRefused,
    ballot_submit,
    box_close,
    box_create,
    box_open,
    code_digest,
    codes_issue,
    codes_void_unused,
)
from dangjian.core.grades import Grade
from dangjian.org.models import Role

G, F, A, P = Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE, Grade.POOR


@pytest.fixture
def box(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    b = box_create(actor=admin, title="述职评议测评", purpose="test",
                   owner_body=county.work_committee,
                   candidates=[("张三", "person:1", "党支部书记"), ("李四", "person:2", "")])
    return b


def sheet(box, *grades):
    return {str(c.pk): g for c, g in zip(box.candidates.all(), grades, strict=True)}


def test_one_code_counts_once(box, county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    [code] = codes_issue(actor=admin, box=box, count=1)
    box_open(actor=admin, box=box)
    receipt = ballot_submit(box_id=box.pk, code=code, grades=sheet(box, G, F))
    assert re.fullmatch(r"[A-Z2-9]{10}", receipt)
    with pytest.raises(BallotRefused) as exc:
        ballot_submit(box_id=box.pk, code=code.lower(), grades=sheet(box, P, P))
    assert exc.value.kind == "used" and "已提交" in exc.value.message
    [stored] = Ballot.objects.all()
    assert stored.marks == {str(c.pk): g for c, g in zip(box.candidates.all(), (G, F), strict=True)}


def test_bad_input_changes_nothing(box, county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    [code] = codes_issue(actor=admin, box=box, count=1)
    with pytest.raises(BallotRefused, match="尚未开始"):
        ballot_submit(box_id=box.pk, code=code, grades=sheet(box, G, G))
    box_open(actor=admin, box=box)
    with pytest.raises(BallotRefused, match="票码无效"):
        ballot_submit(box_id=box.pk, code="ABCD-EFGH-JKLM", grades=sheet(box, G, G))
    with pytest.raises(BallotRefused, match="请为以下对象选择评价档次：李四"):
        ballot_submit(box_id=box.pk, code=code, grades={str(box.candidates.first().pk): G})
    with pytest.raises(BallotRefused, match="无效"):
        ballot_submit(box_id=box.pk, code=code, grades={**sheet(box, G, G), "999999": G})
    with pytest.raises(BallotRefused, match="无效"):
        ballot_submit(box_id=box.pk, code=code, grades=sheet(box, G, "excellent"))
    assert not Ballot.objects.exists() and audit(box).used == 0
    box_close(actor=admin, box=box)
    with pytest.raises(BallotRefused, match="已结束"):
        ballot_submit(box_id=box.pk, code=code, grades=sheet(box, G, G))
    assert not Ballot.objects.exists()


def test_anonymity_of_stored_rows(box, county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    code, spare = codes_issue(actor=admin, box=box, count=2)
    box_open(actor=admin, box=box)
    ballot_submit(box_id=box.pk, code=code, grades=sheet(box, G, A))
    ballot_fields = {f.name for f in Ballot._meta.get_fields()}
    assert ballot_fields == {"id", "box", "receipt", "marks"}
    # The sheet holds candidate ids and grades, nothing else.
    [stored_ballot] = Ballot.objects.all()
    assert stored_ballot.marks == {str(c.pk): g for c, g in
                                   zip(box.candidates.all(), (G, A), strict=True)}
    stored = Code.objects.get()  # the unused one only: the used code's row is gone
    assert stored.digest == code_digest(box.pk, spare)
    assert spare not in stored.digest and len(stored.digest) == 64
    assert {f.name for f in Code._meta.concrete_fields} == {"id", "box", "digest", "void"}


def test_tally_audit_and_receipts(box, county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    codes = codes_issue(actor=admin, box=box, count=6)
    box_open(actor=admin, box=box)
    got = [ballot_submit(box_id=box.pk, code=c, grades=sheet(box, g1, g2))
           for c, (g1, g2) in zip(codes, [(G, P), (G, P), (G, A), (F, A), (G, P)], strict=False)]
    box_close(actor=admin, box=box)
    results = {r.candidate.label: r for r in tally(box)}
    assert results["张三"].counts == {G: 4, F: 1, A: 0, P: 0}
    assert results["张三"].overall == G  # 80% 好
    assert results["李四"].counts == {G: 0, F: 0, A: 2, P: 3}
    assert results["李四"].overall == P  # 60% 差 ≥ 1/3
    a = audit(box)
    assert (a.issued, a.used, a.ballots, a.counted) == (6, 5, 5, 5) and a.consistent
    assert receipts(box) == sorted(got)


def test_rules():
    assert overall({G: 5, F: 3, A: 2, P: 0}, {}) == F  # 50% 好, 80% 好+较好
    assert overall({G: 1, F: 1, A: 6, P: 2}, {}) == A
    assert overall({}, {}) is None
    assert overall({G: 2, F: 2, A: 0, P: 0}, {"kind": "plurality"}) == F  # tie -> lower
    score = {"kind": "score", "good": 90, "fairly_good": 80, "average": 60}
    assert overall({G: 1, F: 1, A: 0, P: 0}, score) == G  # (100+80)/2 = 90
    assert overall({G: 1, F: 3, A: 0, P: 0}, score) == F  # 85
    assert "好" in describe({})


def test_managing_requires_scope(box, county):
    with pytest.raises(PermissionDenied):
        codes_issue(actor=county.user(Role.DISCIPLINE_COMMISSION), box=box, count=3)
    with pytest.raises(PermissionDenied):
        box_open(actor=county.user(Role.ORG_SECRETARY), box=box)
    with pytest.raises(ValidationError):
        codes_issue(actor=county.user(Role.WORK_COMMITTEE_ADMIN), box=box, count=0)
    assert Box.objects.get().status == BoxStatus.DRAFT


def test_rater_and_chair_pages(box, county, login, client):
    admin_client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    sheet_page = admin_client.post(reverse("ballots:codes_issue", args=[box.pk]), {"count": "3"})
    html = sheet_page.content.decode()
    codes = re.findall(r'<div class="code">([A-Z2-9-]+)</div>', html)
    assert len(codes) == 3 and html.count("<svg") == 3
    assert "no-store" in sheet_page["Cache-Control"]
    admin_client.post(reverse("ballots:box_open", args=[box.pk]))
    admin_client.logout()

    url = reverse("vote:rater_form", args=[box.token])
    form = client.get(url).content.decode()
    assert "张三" in form and "李四" in form
    data = {"code": codes[0], **{f"c_{k}": v for k, v in sheet(box, G, F).items()}}
    done = client.post(url, data)
    assert done.status_code == 200 and "回执码" in done.content.decode()
    again = client.post(url, data)
    assert again.status_code == 409 and "已提交" in again.content.decode()
    missing = client.post(url, {"code": codes[1]})
    assert missing.status_code == 400 and "请为以下对象选择评价档次" in missing.content.decode()

    admin_client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    count = admin_client.get(reverse("ballots:box_count", args=[box.pk])).content.decode()
    assert 'data-testid="received">1<' in count and "张三" not in count
    assert admin_client.get(reverse("ballots:result", args=[box.pk])).status_code == 302
    admin_client.post(reverse("ballots:box_close", args=[box.pk]))
    result = admin_client.get(reverse("ballots:result", args=[box.pk])).content.decode()
    assert "发放 3 ≥ 使用 1 = 收回测评票 1 = 计入统计 1" in result and "一致" in result
    listed = client.get(reverse("vote:receipts", args=[box.token])).content.decode()
    assert Ballot.objects.get().receipt in listed


def test_void_code_and_box_closed_under_the_write(box, county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    [first] = codes_issue(actor=admin, box=box, count=1)
    box_open(actor=admin, box=box)
    codes_void_unused(actor=admin, box=box)
    with pytest.raises(BallotRefused, match="已作废"):
        ballot_submit(box_id=box.pk, code=first, grades=sheet(box, G, G))
    [fresh] = codes_issue(actor=admin, box=box, count=1)
    box_close(actor=admin, box=box)
    # The write itself re-checks the box: a sheet read while open but written after the close
    # claims nothing and stores nothing, on either database's branch.
    marks = {c.pk: G for c in box.candidates.all()}
    assert cast(box_id=box.pk, digest=code_digest(box.pk, fresh), receipt="ABCDEFGHJK",
                marks=marks) is None
    assert not Ballot.objects.exists()
    assert audit(box).used == 0


def test_the_write_stores_only_a_sheet_of_exactly_the_boxs_candidates(box, county):
    """`cast` compares the sheet's candidates with the box's in the same write: a sheet missing
    one, or grading another box's candidate, claims no code and stores nothing."""
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    other = box_create(actor=admin, title="另一测评", purpose="test",
                       owner_body=county.work_committee, candidates=[("王五", "", "")])
    [code] = codes_issue(actor=admin, box=box, count=1)
    box_open(actor=admin, box=box)
    first, second = box.candidates.all()
    foreign = other.candidates.get()
    digest = code_digest(box.pk, code)
    for marks in ({first.pk: G}, {first.pk: G, second.pk: G, foreign.pk: G},
                  {first.pk: G, foreign.pk: G}):
        assert cast(box_id=box.pk, digest=digest, receipt="ABCDEFGHJK", marks=marks) is None
    assert not Ballot.objects.exists() and audit(box).used == 0
    title = cast(box_id=box.pk, digest=digest, receipt="ABCDEFGHJK",
                 marks={first.pk: G, second.pk: P})
    assert title == "述职评议测评"
    assert Ballot.objects.get().marks == {str(first.pk): G, str(second.pk): P}


def test_grade_counts_over_several_boxes_and_the_audit(box, county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    other = box_create(actor=admin, title="另一测评", purpose="test",
                       owner_body=county.work_committee, candidates=[("王五", "", "")])
    for b, sheets in ((box, [(G, F), (G, P), (A, P)]), (other, [(F,), (F,)])):
        codes = codes_issue(actor=admin, box=b, count=len(sheets) + 1)
        box_open(actor=admin, box=b)
        for code, grades in zip(codes, sheets, strict=False):
            ballot_submit(box_id=b.pk, code=code, grades=sheet(b, *grades))
    first, second = box.candidates.all()
    counts = grade_counts([box.pk, other.pk])
    assert counts == {first.pk: {G: 2, A: 1}, second.pk: {F: 1, P: 2},
                      other.candidates.get().pk: {F: 2}}
    assert audit(box) == Audit(issued=4, void=0, used=3, ballots=3, counted=3)
    # A ballot row edited in the database to drop a grade no longer counts as complete.
    ballot = Ballot.objects.filter(box=box).first()
    assert ballot is not None
    Ballot.objects.filter(pk=ballot.pk).update(marks={str(first.pk): G})
    broken = audit(box)
    assert broken.counted == 2 and not broken.consistent


def test_rater_posts_as_a_browser_sends_them(county, client):
    """A phone's form arrives urlencoded (parsed from the body, not through a QueryDict): a
    complete sheet is counted and its receipt page escapes the box's title; a tampered, partly
    foreign or undecodable form is refused in Chinese and stores nothing."""
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    box = box_create(actor=admin, title="<测评&会>", purpose="test",
                     owner_body=county.work_committee,
                     candidates=[("张三", "", ""), ("李四", "", "")])
    good, spare = codes_issue(actor=admin, box=box, count=2)
    box_open(actor=admin, box=box)
    first, second = box.candidates.all()
    url = reverse("vote:rater_form", args=[box.token])
    form = "application/x-www-form-urlencoded"

    def post(body: bytes | str):
        return client.post(url, body, content_type=form)

    for body, status, says in [
        (f"code={spare}&c_{first.pk}=good&c_{second.pk}=excellent", 400, "测评票内容无效"),
        (f"code={spare}&c_{first.pk}=good&c_{second.pk}=good&c_99999=good", 400, "测评票内容无效"),
        (f"code={spare}&c_{first.pk}=good", 400, "请为以下对象选择评价档次：李四"),
        (b"code=\xff\xfe&c_1=good", 400, "请为以下对象选择评价档次"),
    ]:
        refused = post(body)
        assert refused.status_code == status and says in refused.content.decode()
    assert not Ballot.objects.exists() and audit(box).used == 0

    done = post(f"code={good.lower()}&c_{first.pk}=good&c_{second.pk}=poor")
    page = done.content.decode()
    receipt = Ballot.objects.get().receipt
    assert done.status_code == 200 and f'data-testid="receipt">{receipt}<' in page
    assert "&lt;测评&amp;会&gt;" in page and "<测评&会>" not in page
    assert Ballot.objects.get().marks == {str(first.pk): G, str(second.pk): P}
