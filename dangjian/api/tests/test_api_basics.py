"""The API as a whole: login, CSRF, error shapes, the OpenAPI document, /healthz."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from dangjian.api.main import api
from dangjian.org.models import Body, Role
from dangjian.trail.models import TrailEntry

CSRF = "a" * 32  # a well-formed token; the check compares cookie and header


def _new_branch(county):
    return {"name": "API新建党支部", "kind": "branch",
            "parent": county.depts[0].committee.pk, "valid_from": "2024-01-01"}


@pytest.mark.req("X.3")
def test_healthz_reports_ok_and_database(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}


@pytest.mark.req("X.3", "R0.4")
@pytest.mark.parametrize("method,path", [
    ("get", "/api/me"), ("get", "/api/workbench"), ("get", "/api/bodies"),
    ("get", "/api/bodies/tree"), ("get", "/api/bodies/1"), ("get", "/api/people"),
    ("get", "/api/people/1"), ("get", "/api/posts"), ("get", "/api/posts/holders"),
    ("get", "/api/changes"), ("post", "/api/bodies"), ("post", "/api/people"),
    ("patch", "/api/people/1"), ("post", "/api/posts"), ("post", "/api/posts/1/end"),
])
def test_logged_out_gets_401_json(county, client, method,
                                  path):
    before = TrailEntry.objects.count()
    response = getattr(client, method)(path, {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或会话已过期"
    assert TrailEntry.objects.count() == before


@pytest.mark.req("X.3")
def test_openapi_is_public_valid_and_lists_every_path_in_chinese(db,
                                                               client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    expected = {
        "/api/me": {"get"}, "/api/workbench": {"get"}, "/api/changes": {"get"},
        "/api/bodies": {"get", "post"}, "/api/bodies/tree": {"get"},
        "/api/bodies/{pk}": {"get"}, "/api/bodies/{pk}/rename": {"post"},
        "/api/bodies/{pk}/move": {"post"}, "/api/bodies/{pk}/dissolve": {"post"},
        "/api/bodies/{pk}/merge": {"post"},
        "/api/people": {"get", "post"}, "/api/people/{pk}": {"get", "patch"},
        "/api/people/{pk}/leave": {"post"},
        "/api/posts": {"get", "post"}, "/api/posts/holders": {"get"},
        "/api/posts/{pk}/end": {"post"},
    }
    # The platform's own paths; each module's router is checked in its own tests.
    core = {p: set(ops) for p, ops in paths.items()
            if not p.startswith("/api/responsibility/")}
    assert core == expected
    for path, ops in paths.items():
        for method, op in ops.items():
            text = op["summary"] + op["description"]
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (method, path)
            assert "422" in op["responses"] and "403" in op["responses"], (method, path)
    # Session cookie auth is declared, and the description explains CSRF.
    assert "SessionAuth" in doc["components"]["securitySchemes"]
    assert "X-CSRFToken" in doc["info"]["description"]


@pytest.mark.req("X.3")
def test_docs_page_is_public(db, client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "/api/openapi.json" in response.content.decode()


@pytest.mark.req("X.3")
def test_every_operation_has_an_explicit_url_name():
    names = {p.name for p in api.urls[0]}
    assert {"me", "workbench", "change_list", "body_list", "body_tree", "body_detail",
            "body_create", "body_rename", "body_move", "body_dissolve", "body_merge",
            "person_list", "person_detail", "person_create", "person_leave", "post_list",
            "post_holders", "post_assign", "post_end"} <= names
    assert reverse("api:person_detail", kwargs={"pk": 5}) == "/api/people/5"


@pytest.mark.req("X.3")
def test_post_without_csrf_token_is_refused_and_changes_nothing(county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.user(Role.WORK_COMMITTEE_ADMIN))
    before = (Body.objects.count(), TrailEntry.objects.count())
    response = client.post("/api/bodies", _new_branch(county), content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert (Body.objects.count(), TrailEntry.objects.count()) == before
    # A wrong token is refused too.
    client.cookies["csrftoken"] = CSRF
    response = client.post("/api/bodies", _new_branch(county), content_type="application/json",
                           headers={"X-CSRFToken": "b" * 32})
    assert response.status_code == 403
    assert Body.objects.count() == before[0]
    # Every kind of write is guarded, PATCH included.
    person = county.depts[0].people[0]
    for method, url, data in [
        ("patch", f"/api/people/{person.pk}", {"job_title": "科长"}),
        ("post", f"/api/people/{person.pk}/leave", {"on": "2024-06-01"}),
        ("post", "/api/posts", {"person": person.pk, "body": county.depts[0].branches[0].pk,
                                "kind": "org_member", "start": "2024-01-01"}),
    ]:
        response = getattr(client, method)(url, data, content_type="application/json")
        assert response.status_code == 403, url
    person.refresh_from_db()
    assert person.job_title == "" and person.left_on is None
    assert TrailEntry.objects.count() == before[1]
    # Reads need no token.
    assert client.get("/api/bodies").status_code == 200


@pytest.mark.req("X.3")
def test_post_with_csrf_token_goes_through(county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.user(Role.WORK_COMMITTEE_ADMIN))
    client.cookies["csrftoken"] = CSRF
    response = client.post("/api/bodies", _new_branch(county), content_type="application/json",
                           headers={"X-CSRFToken": CSRF})
    assert response.status_code == 201, response.content
    assert Body.objects.filter(name="API新建党支部").exists()


@pytest.mark.req("X.3")
def test_bad_bodies_get_chinese_messages_never_500(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    before = (Body.objects.count(), TrailEntry.objects.count())
    # Not JSON at all.
    response = client.post("/api/bodies", "{oops", content_type="application/json")
    assert response.status_code == 400
    assert "请求体无法解析" in response.json()["detail"]
    # JSON, but not an object.
    response = client.post("/api/bodies", "[1, 2]", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"] == "请求体应为 JSON 对象"
    # Wrong types, a bad date, a missing field, an unknown field, an unknown choice.
    response = client.post("/api/bodies", {
        "name": "x", "kind": "nonsense", "parent": "abc", "valid_from": "2024-13-40",
        "colour": "red",
    }, content_type="application/json")
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert errors["kind"].startswith("不是有效的选项")
    assert errors["parent"] == "应为整数"
    assert errors["valid_from"] == "日期格式应为 YYYY-MM-DD"
    assert errors["colour"] == "不支持此字段"
    response = client.post("/api/bodies", {"name": "x"}, content_type="application/json")
    assert {e["field"]: e["message"] for e in response.json()["detail"]}["kind"] == "此项为必填项"
    # Bad query parameters.
    response = client.get("/api/people?limit=0&offset=-1&political_status=x")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["detail"]}
    assert fields == {"limit", "offset", "political_status"}
    assert (Body.objects.count(), TrailEntry.objects.count()) == before


@pytest.mark.req("X.3")
@pytest.mark.parametrize("path", ["/api/posts", "/api/bodies", "/api/people", "/api/changes"])
def test_an_offset_past_any_database_integer_is_a_field_error(county, login, path):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    response = client.get(f"{path}?offset=99999999999999999999&limit=5")
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "offset", "message": "不能大于1000000000"}]
    last = client.get(f"{path}?offset=1000000000&limit=200").json()
    assert (last["items"], last["offset"], last["limit"]) == ([], 1000000000, 200)
    assert last["total"] >= 1


@pytest.mark.req("X.3")
def test_form_encoded_posts_are_accepted(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    data = {**_new_branch(county), "short_name": "", "csrfmiddlewaretoken": "x"}
    response = client.post("/api/bodies", data)  # multipart, as a browser form sends it
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "API新建党支部"


@pytest.mark.req("X.3")
def test_unknown_record_is_404_json(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    response = client.get("/api/people/999999")
    assert response.status_code == 404
    assert response.json()["detail"] == "记录不存在或不在您的权限范围内"
