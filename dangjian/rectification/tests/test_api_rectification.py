"""The rectification engine through the API: an item from problem to verified closure, the
two sides' refusals, scope, bad input, and repeated moves that change nothing."""

from pathlib import Path

import pytest
from django.urls import reverse

from dangjian.ballots.tests.test_api_ballots import allow_lists
from dangjian.cycles.services import year_ensure
from dangjian.org.models import Role
from dangjian.rectification.models import Item, ItemStatus, Plan, Progress
from dangjian.rectification.services import item_add, plan_create
from dangjian.trail.models import TrailEntry

JSON = "application/json"
NOT_FOUND = "记录不存在或不在您的权限范围内"
pytestmark = pytest.mark.today("2026-06-01")


@pytest.fixture
def year(db):
    return year_ensure(year=2026, make_current=True)


def _plan(county, year, dept=0, source="duty_review"):
    plan = plan_create(actor=None, year=year, source=source, title=f"整改方案{dept}{source}",
                       owner_body=county.depts[dept].branches[0],
                       verifier_body=county.work_committee, check_scope=False)
    item_add(actor=None, plan=plan, problem="三会一课落实不到位", deadline=year.ends,
             check_scope=False)
    return plan


@pytest.fixture
def plan(county, year):
    return _plan(county, year)


def _state():
    return (list(Item.objects.order_by("pk").values_list("status", "measures", "deadline",
                                                          "owner", "verification")),
            Progress.objects.count(), TrailEntry.objects.count())


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type=JSON)


def _errors(response):
    return {e["field"]: e["message"] for e in response.json()["detail"]}


@pytest.mark.req("X.3", "R2.8")
def test_an_item_from_problem_to_closure_through_the_api(county, login, plan):
    owner = login(county.user(Role.ORG_SECRETARY))
    listed = owner.get("/api/rectification").json()
    assert [p["id"] for p in listed["items"]] == [plan.pk]
    assert listed["items"][0]["n_items"] == 1 and listed["items"][0]["year"] == 2026

    detail = owner.get(f"/api/rectification/{plan.pk}").json()
    assert (detail["owner_side"], detail["verifier_side"]) == (True, False)
    [first] = detail["items"]
    assert (first["status"], first["overdue"], first["progress"]) == ("open", False, [])

    traced = TrailEntry.objects.count()
    added = _post(owner, f"/api/rectification/{plan.pk}/items", {
        "problem": "谈心谈话开展不经常", "deadline": "2026-10-31", "origin": "评议意见"})
    assert added.status_code == 201, added.content
    item = added.json()
    assert (item["problem"], item["origin"], item["status"]) == ("谈心谈话开展不经常",
                                                                 "评议意见", "open")
    assert TrailEntry.objects.count() == traced + 1

    person = county.depts[0].people[1]
    planned = _post(owner, f"/api/rectification/items/{item['id']}/plan", {
        "measures": "每季度开展一次谈心谈话", "deadline": "2026-09-30", "owner": person.pk})
    assert planned.status_code == 200, planned.content
    assert (planned.json()["measures"], planned.json()["deadline"],
            planned.json()["owner_id"]) == ("每季度开展一次谈心谈话", "2026-09-30", person.pk)

    url = f"/api/rectification/items/{item['id']}/transition"
    progressed = _post(owner, url, {"action": "progress", "note": "已开展第一次"})
    assert progressed.json()["status"] == "in_progress"
    assert _post(owner, url, {"action": "submit", "note": "已全部完成"}).json()[
        "status"] == "submitted"

    verifier = login(county.user(Role.COUNTY_COMMITTEE))
    assert verifier.get(f"/api/rectification/{plan.pk}").json()["verifier_side"] is True
    sent_back = _post(verifier, url, {"action": "reject", "note": "记录不全"})
    assert (sent_back.json()["status"], sent_back.json()["verification"]) == ("in_progress",
                                                                            "记录不全")
    owner = login(county.user(Role.ORG_SECRETARY))
    _post(owner, url, {"action": "submit", "note": "已补齐记录"})
    verifier = login(county.user(Role.COUNTY_COMMITTEE))
    closed = _post(verifier, url, {"action": "accept", "note": "整改到位，同意销号"}).json()
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    assert closed["verification"] == "整改到位，同意销号"
    assert [(p["status_from"], p["status_to"]) for p in closed["progress"]] == [
        ("open", "in_progress"), ("in_progress", "submitted"), ("submitted", "in_progress"),
        ("in_progress", "submitted"), ("submitted", "closed")]
    assert Item.objects.get(pk=item["id"]).status == ItemStatus.CLOSED
    summary = verifier.get("/api/rectification?source=duty_review").json()["items"][0]
    assert (summary["n_items"], summary["n_closed"]) == (2, 1)


@pytest.mark.req("X.3", "R2.8")
def test_a_repeated_move_is_refused_and_changes_nothing(county, login, plan):
    item = plan.items.get()
    owner = login(county.user(Role.ORG_SECRETARY))
    url = f"/api/rectification/items/{item.pk}/transition"
    assert _post(owner, url, {"action": "submit", "note": "已完成"}).status_code == 200
    before = _state()
    again = _post(owner, url, {"action": "submit", "note": "已完成"})
    assert again.status_code == 422
    assert _errors(again) == {"__all__": "事项当前为“待验收”，不能变为“待验收”"}
    locked = _post(owner, f"/api/rectification/items/{item.pk}/plan",
                   {"measures": "改", "deadline": "2026-12-31"})
    assert _errors(locked) == {"__all__": "已提交验收或已销号的事项不能修改"}
    assert _state() == before

    verifier = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    assert _post(verifier, url, {"action": "accept", "note": "同意"}).status_code == 200
    before = _state()
    for action in ("accept", "reject", "progress"):
        response = _post(verifier, url, {"action": action, "note": "再来一次"})
        assert response.status_code == 422, action
        assert _errors(response)["__all__"].startswith("事项当前为“已销号”")
    assert _state() == before


@pytest.mark.req("X.3", "R2.8", "R0.4")
def test_each_side_only_makes_its_own_moves(county, login, plan):
    item = plan.items.get()
    url = f"/api/rectification/items/{item.pk}/transition"
    before = _state()
    # The verifier may not report progress, nor set the measures.
    verifier = login(county.user(Role.DISCIPLINE_COMMISSION))
    response = _post(verifier, url, {"action": "progress", "note": "代为填报"})
    assert response.status_code == 403
    assert response.json()["detail"] == "只有整改责任方可以进行此操作"
    response = _post(verifier, f"/api/rectification/items/{item.pk}/plan",
                     {"measures": "措施", "deadline": "2026-12-31"})
    assert response.status_code == 403
    assert response.json()["detail"] == "您不是该整改方案的责任方或验收单位"
    # Someone who sees the plan but is on neither side adds nothing.
    reader = login(county.user(Role.DISCIPLINE_MEMBER))
    assert reader.get(f"/api/rectification/{plan.pk}").status_code == 200
    response = _post(reader, f"/api/rectification/{plan.pk}/items",
                     {"problem": "问题", "deadline": "2026-12-31"})
    assert response.status_code == 403
    assert response.json()["detail"] == "您不是该整改方案的责任方或验收单位"
    assert _state() == before
    # The owner may not close their own item.
    owner = login(county.user(Role.ORG_SECRETARY))
    _post(owner, url, {"action": "submit", "note": "已完成"})
    before = _state()
    response = _post(owner, url, {"action": "accept", "note": "自己验收"})
    assert response.status_code == 403
    assert response.json()["detail"] == "只有验收单位可以进行此操作"
    assert _state() == before


@pytest.mark.req("X.3", "R2.8", "R0.4")
def test_out_of_scope_is_404_and_changes_nothing(county, login, plan, year):
    other = _plan(county, year, dept=1)
    item = other.items.get()
    before = _state()
    for role in (Role.ORG_SECRETARY, Role.LEADING_GROUP_SECRETARY):
        client = login(county.user(role))
        assert client.get(f"/api/rectification/{other.pk}").status_code == 404
        assert other.pk not in [p["id"] for p in client.get("/api/rectification").json()["items"]]
        for url, data in (
            (f"/api/rectification/{other.pk}/items", {"problem": "问题", "deadline": "2026-12-31"}),
            (f"/api/rectification/items/{item.pk}/plan",
             {"measures": "措施", "deadline": "2026-12-31"}),
            (f"/api/rectification/items/{item.pk}/transition",
             {"action": "progress", "note": "进展"}),
        ):
            response = _post(client, url, data)
            assert response.status_code == 404, url
            assert response.json()["detail"] == NOT_FOUND
    member = login(county.user(Role.MEMBER))
    assert member.get(f"/api/rectification/{plan.pk}").status_code == 404
    assert member.get("/api/rectification").json()["total"] == 0
    assert member.get("/api/rectification/99999999999999999999").status_code == 404
    assert _state() == before


@pytest.mark.req("X.3", "R2.8")
def test_bad_input_is_a_field_error_and_changes_nothing(county, login, plan):
    item = plan.items.get()
    owner = login(county.user(Role.ORG_SECRETARY))
    add = f"/api/rectification/{plan.pk}/items"
    plan_url = f"/api/rectification/items/{item.pk}/plan"
    move = f"/api/rectification/items/{item.pk}/transition"
    before = _state()
    cases = [
        (add, {}, {"problem": "此项为必填项", "deadline": "此项为必填项"}),
        (add, {"problem": "  ", "deadline": "2026-12-31"}, {"problem": "请填写问题"}),
        (add, {"problem": "问题", "deadline": "2026-13-01"},
         {"deadline": "日期格式应为 YYYY-MM-DD"}),
        (add, {"problem": "问题", "deadline": "2025-12-31"},
         {"deadline": "整改时限不能早于2026-01-01"}),
        (add, {"problem": "问题", "deadline": "2026-12-31", "origin": "长" * 41},
         {"origin": "不能超过40个字符"}),
        (add, {"problem": "问题", "deadline": "2026-12-31", "status": "closed"},
         {"status": "不支持此字段"}),
        (plan_url, {"measures": "", "deadline": "2026-12-31"}, {"measures": "请填写整改措施"}),
        (plan_url, {"measures": "措施", "deadline": "2026-12-31", "owner": "张三"},
         {"owner": "应为整数"}),
        (move, {"action": "close", "note": "销号"},
         {"action": "不是有效的选项（可选：progress、submit、accept、reject）"}),
        (move, {"action": "progress", "note": " "}, {"note": "请填写情况说明或验收意见"}),
        (move, {"action": "progress"}, {"note": "此项为必填项"}),
    ]
    for url, data, expected in cases:
        response = _post(owner, url, data)
        assert response.status_code == 422, (data, response.content)
        assert _errors(response) == expected, data
    unknown = _post(owner, plan_url, {"measures": "措施", "deadline": "2026-12-31",
                                      "owner": 999999})
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "所选责任人不存在或不在您的权限范围内"
    assert _state() == before


@pytest.mark.req("X.3", "R2.8")
def test_the_plan_list_filter_is_shared_by_page_and_api(county, login, plan, year):
    test_plan = _plan(county, year, source="test")
    last_year = year_ensure(year=2025)
    old = plan_create(actor=None, year=last_year, source="duty_review", title="上年方案",
                      owner_body=county.depts[0].branches[0],
                      verifier_body=county.work_committee, check_scope=False)
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    ids = lambda q: [p["id"] for p in client.get(f"/api/rectification{q}").json()["items"]]  # noqa: E731
    assert set(ids("")) == {plan.pk, test_plan.pk}
    assert ids("?source=test") == [test_plan.pk]
    assert ids("?year=2025") == [old.pk]
    assert ids("?year=2024") == []
    response = client.get("/api/rectification?year=abc&limit=0")
    assert response.status_code == 422
    assert set(_errors(response)) == {"year", "limit"}
    # The page reads the same parameters.
    page = client.get(reverse("rectification:plan_list") + "?year=2025").content.decode()
    assert "上年方案" in page and "整改方案0duty_review" not in page
    page = client.get(reverse("rectification:plan_list") + "?source=test").content.decode()
    assert "整改方案0test" in page and "整改方案0duty_review" not in page
    page = client.get(reverse("rectification:plan_list") + "?year=abc")  # dropped, not a 500
    assert page.status_code == 200 and "整改方案0duty_review" in page.content.decode()
    assert Plan.objects.count() == 3


@pytest.mark.req("X.3", "R2.8")
def test_the_plan_list_takes_a_fixed_number_of_queries(county, login, year,
                                                       django_assert_max_num_queries):
    for dept in (0, 1):
        for source in ("a", "b", "c"):
            _plan(county, year, dept=dept, source=source)
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    with django_assert_max_num_queries(10):
        assert client.get("/api/rectification").json()["total"] == 6


@pytest.mark.req("X.3")
def test_openapi_documents_every_rectification_operation(db, client):
    doc = client.get("/api/openapi.json").json()
    ops = {(path, method): op for path, item in doc["paths"].items()
           for method, op in item.items() if path.startswith("/api/rectification")}
    assert {(p.removeprefix("/api/rectification"), m) for p, m in ops} == {
        ("", "get"), ("/{pk}", "get"), ("/{pk}/items", "post"), ("/items/{pk}/plan", "post"),
        ("/items/{pk}/transition", "post")}
    schemas = doc["components"]["schemas"]
    for (path, _method), op in ops.items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]), path
        assert op["description"] and op["tags"] == ["整改"], path
        assert {"403", "404", "422"} <= set(op["responses"]), path
        if "requestBody" in op:
            body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert schemas[body.rsplit("/", 1)[1]]["examples"], path
    params = {p["name"]: p for p in ops[("/api/rectification", "get")]["parameters"]}
    assert {"year", "source", "limit", "offset"} <= set(params)


@pytest.mark.req("X.3", "R0.4")
def test_the_api_allows_whom_the_pages_allow():
    """Each move is tried by the side that may make it; together they are the page's gate."""
    matrix = Path(__file__).resolve().parents[3] / "tests" / "scope_matrix"
    api = allow_lists(matrix / "api_rectification.toml",
                      lambda v: v.replace("_submitted_", "_"))
    assert api == allow_lists(matrix / "rectification.toml")
