"""The chair's side of the ballots engine through the API: a box's whole life, refusals that
change nothing, and the anonymity promises (no code after its one response, no ballot or
receipt, no result before the close)."""

import json
import re
import tomllib
from pathlib import Path

import pytest
from django.urls import reverse

from dangjian.ballots.models import Ballot, Box, BoxStatus, Code
from dangjian.ballots.services import box_create, codes_issue
from dangjian.org.models import Role
from dangjian.trail.models import TrailEntry

JSON = "application/json"


@pytest.fixture
def box(county):
    """A draft box of the first department's first branch (the branch secretary's)."""
    return box_create(actor=None, title="支部书记述职测评", purpose="duty_review",
                      owner_body=county.depts[0].branches[0], check_scope=False,
                      candidates=[("张三", "person:1", "党支部书记"), ("李四", "person:2", "")])


def _state(box):
    box.refresh_from_db()
    return (box.status, box.opened_at, box.closed_at,
            list(Code.objects.filter(box=box).values_list("digest", "void")),
            Ballot.objects.filter(box=box).count(), TrailEntry.objects.count())


def _vote(client, box, code, *grades):
    data = {"code": code, **{f"c_{c.pk}": g for c, g in
                             zip(box.candidates.all(), grades, strict=True)}}
    return client.post(reverse("vote:rater_form", args=[box.token]), data)


@pytest.mark.req("X.3", "R2.7")
def test_a_box_from_draft_to_result_through_the_api(county, login, box, client):
    chair = login(county.user(Role.ORG_SECRETARY))
    listed = chair.get("/api/ballots").json()
    assert [b["id"] for b in listed["items"]] == [box.pk]  # not the other department's
    assert chair.get("/api/ballots?purpose=duty_review&status=draft&q=述职").json()["total"] == 1
    assert chair.get("/api/ballots?status=open").json()["total"] == 0

    detail = chair.get(f"/api/ballots/{box.pk}").json()
    assert [c["label"] for c in detail["candidates"]] == ["张三", "李四"]
    assert detail["status"] == "draft" and detail["vote_url"] == f"/b/{box.token}/"
    assert detail["count"] == {"box_id": box.pk, "status": "draft", "status_label": "准备中",
                               "issued": 0, "used": 0, "void": 0}

    issued = chair.post(f"/api/ballots/{box.pk}/codes", {"count": 3}, content_type=JSON)
    assert issued.status_code == 200, issued.content
    assert "no-store" in issued["Cache-Control"]
    slips = issued.json()["slips"]
    assert len(slips) == 3 and issued.json()["vote_url"].endswith(f"/b/{box.token}/")
    codes = [s["code"].replace("-", "") for s in slips]
    assert all(s["link"].endswith(f"#{c}") for s, c in zip(slips, codes, strict=True))
    # Only their keyed hashes are kept; no other answer carries a code again.
    assert not Code.objects.filter(digest__in=codes).exists()
    for url in ("/api/ballots", f"/api/ballots/{box.pk}", f"/api/ballots/{box.pk}/count"):
        text = chair.get(url).content.decode()
        assert not any(c in text or s["code"] in text for c, s in zip(codes, slips, strict=True))

    traced = TrailEntry.objects.count()
    opened = chair.post(f"/api/ballots/{box.pk}/open")
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    assert opened.json()["opened_at"] is not None
    assert TrailEntry.objects.count() == traced + 1

    chair.logout()
    receipt_page = _vote(client, box, codes[0], "good", "fairly_good")
    assert receipt_page.status_code == 200
    assert _vote(client, box, codes[1], "good", "poor").status_code == 200
    receipt = Ballot.objects.filter(box=box).order_by("pk").first().receipt
    chair = login(county.user(Role.ORG_SECRETARY))

    count = chair.get(f"/api/ballots/{box.pk}/count").json()
    assert (count["issued"], count["used"], count["void"]) == (3, 2, 0)
    early = chair.get(f"/api/ballots/{box.pk}/result")
    assert early.status_code == 422
    assert early.json()["detail"] == [{"field": "__all__", "message": "测评结束后才能查看结果"}]

    voided = chair.post(f"/api/ballots/{box.pk}/codes/void").json()
    assert voided["voided"] == 1 and voided["count"]["void"] == 1
    closed = chair.post(f"/api/ballots/{box.pk}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"

    response = chair.get(f"/api/ballots/{box.pk}/result")
    assert response.status_code == 200
    result = response.json()
    assert result["audit"] == {"issued": 3, "used": 2, "ballots": 2, "counted": 2, "void": 1,
                               "consistent": True}
    [zhang, li] = result["results"]
    assert zhang["label"] == "张三" and zhang["total"] == 2
    assert {g["grade"]: g["count"] for g in zhang["grades"]} == {
        "good": 2, "fairly_good": 0, "average": 0, "poor": 0}
    assert (zhang["overall"], zhang["overall_label"]) == ("good", "好")
    assert {g["grade"]: g["share"] for g in li["grades"]}["poor"] == 0.5
    # The tally only: no receipt, no code, no single ballot.
    assert receipt not in response.content.decode()
    assert "receipt" not in response.content.decode() and "marks" not in response.content.decode()


@pytest.mark.req("X.3", "R2.7")
def test_a_second_open_close_or_void_is_refused_and_changes_nothing(county, login, box):
    chair = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    codes_issue(actor=None, box=box, count=2, check_scope=False)
    assert chair.post(f"/api/ballots/{box.pk}/open").status_code == 200
    assert chair.post(f"/api/ballots/{box.pk}/codes/void").status_code == 200

    before = _state(box)
    again = chair.post(f"/api/ballots/{box.pk}/open")
    assert again.status_code == 422
    assert again.json()["detail"] == [
        {"field": "__all__", "message": "测评当前为“测评中”，不能改为“测评中”"}]
    void_again = chair.post(f"/api/ballots/{box.pk}/codes/void")
    assert void_again.status_code == 422
    assert void_again.json()["detail"][0]["message"] == "没有可作废的未使用票码"
    assert _state(box) == before

    assert chair.post(f"/api/ballots/{box.pk}/close").status_code == 200
    before = _state(box)
    for step, message in (("close", "测评当前为“已结束”，不能改为“已结束”"),
                          ("open", "测评当前为“已结束”，不能改为“测评中”")):
        response = chair.post(f"/api/ballots/{box.pk}/{step}")
        assert response.status_code == 422
        assert response.json()["detail"][0]["message"] == message
    late = chair.post(f"/api/ballots/{box.pk}/codes", {"count": 5}, content_type=JSON)
    assert late.status_code == 422
    assert late.json()["detail"][0]["message"] == "测评已结束，不能再发放票码"
    assert _state(box) == before


@pytest.mark.req("X.3", "R2.7", "R0.4")
def test_out_of_scope_is_404_and_changes_nothing(county, login, box):
    other = box_create(actor=None, title="另一部门测评", purpose="test",
                       owner_body=county.depts[1].branches[0], candidates=[("甲", "", "")],
                       check_scope=False)
    chair = login(county.user(Role.ORG_SECRETARY))
    before = _state(other)
    for method, path in (("get", ""), ("get", "/count"), ("get", "/result"), ("post", "/open"),
                         ("post", "/close"), ("post", "/codes/void")):
        response = getattr(chair, method)(f"/api/ballots/{other.pk}{path}")
        assert response.status_code == 404, path
        assert response.json()["detail"] == "记录不存在或不在您的权限范围内"
    response = chair.post(f"/api/ballots/{other.pk}/codes", {"count": 3}, content_type=JSON)
    assert response.status_code == 404
    assert chair.get("/api/ballots/999999999999999999999").status_code == 404
    assert _state(other) == before


@pytest.mark.req("X.3", "R2.7", "R0.4")
def test_a_role_that_manages_no_box_is_refused(county, login, box):
    before = _state(box)
    for role in (Role.MEMBER, Role.DISCIPLINE_COMMISSION, Role.ORGANIZATION_DEPT):
        client = login(county.user(role))
        assert client.get("/api/ballots").status_code == 403
        for path in ("/open", "/codes/void"):
            response = client.post(f"/api/ballots/{box.pk}{path}")
            assert response.status_code == 403
            assert response.json()["detail"] == "您没有此项权限"
        response = client.post(f"/api/ballots/{box.pk}/codes", {"count": 3}, content_type=JSON)
        assert response.status_code == 403
    assert _state(box) == before


@pytest.mark.req("X.3", "R2.7")
@pytest.mark.parametrize(("body", "field", "message"), [
    ({}, "count", "此项为必填项"),
    ({"count": 0}, "count", "不能小于1"),
    ({"count": 2001}, "count", "不能大于2000"),
    ({"count": 10**30}, "count", "不能大于2000"),
    ({"count": "许多"}, "count", "应为整数"),
    ({"count": 3, "codes": ["AAAA"]}, "codes", "不支持此字段"),
])
def test_bad_code_counts_are_field_errors(county, login, box, body, field, message):
    chair = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    before = _state(box)
    response = chair.post(f"/api/ballots/{box.pk}/codes", body, content_type=JSON)
    assert response.status_code == 422
    assert {"field": field, "message": message} in response.json()["detail"]
    assert _state(box) == before


@pytest.mark.req("X.3")
def test_bad_list_filters_are_field_errors(county, login, box):
    chair = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    response = chair.get("/api/ballots?status=finished&limit=500")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"status", "limit"}
    # The page reads the same filter: a value that does not parse is dropped, not a 500.
    page = chair.get(reverse("ballots:box_list") + "?status=finished&q=支部书记")
    assert page.status_code == 200 and "支部书记述职测评" in page.content.decode()
    assert "未能识别的筛选条件已忽略：状态" in page.content.decode()
    page = chair.get(reverse("ballots:box_list") + "?status=open")
    assert "支部书记述职测评" not in page.content.decode()


@pytest.mark.req("X.3", "R2.7")
def test_the_box_list_takes_a_fixed_number_of_queries(county, login, box,
                                                      django_assert_max_num_queries):
    for i in range(5):
        box_create(actor=None, title=f"测评{i}", purpose="test",
                   owner_body=county.depts[0].branches[0], candidates=[("甲", "", "")],
                   check_scope=False)
    chair = login(county.user(Role.ORG_SECRETARY))
    with django_assert_max_num_queries(8):
        page = chair.get("/api/ballots").json()
    assert page["total"] == 6
    assert Box.objects.filter(status=BoxStatus.DRAFT).count() >= 6


@pytest.mark.req("X.3")
def test_openapi_documents_every_ballot_operation(db, client):
    doc = client.get("/api/openapi.json").json()
    ops = {(path, method): op for path, item in doc["paths"].items()
           for method, op in item.items() if path.startswith("/api/ballots")}
    assert {(p.removeprefix("/api/ballots"), m) for p, m in ops} == {
        ("", "get"), ("/{pk}", "get"), ("/{pk}/count", "get"), ("/{pk}/result", "get"),
        ("/{pk}/open", "post"), ("/{pk}/close", "post"), ("/{pk}/codes", "post"),
        ("/{pk}/codes/void", "post")}
    schemas = doc["components"]["schemas"]
    for (path, _method), op in ops.items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]), path
        assert op["description"] and op["tags"] == ["测评（投票）"], path
        assert {"200", "403", "404", "422"} <= set(op["responses"]), path
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.startswith("#/components/schemas/"), path
        if "requestBody" in op:
            body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert schemas[body.rsplit("/", 1)[1]]["examples"], path
    # Codes are secrets handed to raters: said where they are issued, and nowhere returned.
    assert "只在本次响应中返回给发放者" in ops[("/api/ballots/{pk}/codes", "post")]["description"]
    def fields(schema, seen=()):
        found = set(schema.get("properties", {}))
        for ref in re.findall(r'"#/components/schemas/(\w+)"', json.dumps(schema)):
            if ref not in seen:
                found |= fields(schemas[ref], (*seen, ref))
        return found

    for (path, _method), op in ops.items():
        answer = fields(op["responses"]["200"]["content"]["application/json"]["schema"])
        assert not answer & {"receipt", "receipts", "marks", "digest", "ballot_id"}, path
        if path != "/api/ballots/{pk}/codes":
            assert not answer & {"code", "codes", "slips"}, path


def allow_lists(path, normalize=lambda name: name):
    """(route name, its records) -> the roles allowed, over every entry of a matrix file."""
    allowed = {}
    for entry in tomllib.loads(path.read_text(encoding="utf-8"))["route"]:
        name = entry["name"]
        if name.startswith("api:"):  # api:ballots_box_detail -> ballots:box_detail
            name = name.removeprefix("api:").replace("_", ":", 1)
        records = tuple(sorted((k, normalize(v)) for k, v in entry.get("kwargs", {}).items()))
        allowed.setdefault((name, records), set()).update(entry["allow"])
    return allowed


@pytest.mark.req("X.3", "R0.4")
def test_the_api_allows_whom_the_pages_allow():
    matrix = Path(__file__).resolve().parents[3] / "tests" / "scope_matrix"
    api = allow_lists(matrix / "api_ballots.toml",
                      lambda v: v.replace("_open_", "_").replace("_closed_", "_"))
    pages = allow_lists(matrix / "ballots.toml")
    assert api == pages
