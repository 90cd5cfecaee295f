"""API tokens: a token's request is its user exactly; no operation without a token or a session;
revoked, expired and unknown tokens are 401 in Chinese; tokens need no CSRF, sessions still do;
each use is traced with one INSERT."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse

from dangjian.accounts.models import ApiToken, ApiTokenUse
from dangjian.accounts.services import token_create, token_revoke
from dangjian.api.main import api
from dangjian.org.models import Body, Person, Role
from dangjian.trail.models import TrailEntry

JSON = "application/json"
PUBLIC = {"openapi-json", "openapi-view"}
METHODS = ("get", "post", "patch", "put", "delete")


def _bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def _token(user, name="测试令牌", **extra):
    return token_create(actor=user, name=name, **extra)


def _new_branch(county, name="令牌新建党支部"):
    return {"name": name, "kind": "branch", "parent": county.depts[0].committee.pk,
            "valid_from": "2024-01-01"}


def _operations():
    """Every (method, url, name) the API serves: each URL pattern of api.urls with every
    method its path answers (ninja answers 405 for the others)."""
    out = []
    for pattern in api.urls[0]:
        assert isinstance(pattern, URLPattern)
        kwargs = {key: 1 for key in pattern.pattern.converters}
        out.append((pattern.name, reverse(f"api:{pattern.name}", kwargs=kwargs or None)))
    return out


@pytest.mark.req("X.3", "R0.4")
def test_no_operation_is_reachable_without_a_token_or_a_session(county):
    """Walk every operation of api.urls: anonymous, and with a token that is not one. Both
    are 401 (the second one gets past the login middleware, so it is the API's own default
    auth that refuses), and nothing is written."""
    client = Client(enforce_csrf_checks=True)
    before = (TrailEntry.objects.count(), Body.objects.count(), Person.objects.count())
    answered = set()
    for name, url in _operations():
        for method in METHODS:
            anonymous = client.generic(method.upper(), url, "{}", content_type=JSON)
            bogus = client.generic(method.upper(), url, "{}", content_type=JSON,
                                   headers=_bearer("djt_not-a-real-token"))
            if name in PUBLIC:
                continue
            if name == "api-root":  # ninja's anchor of the other paths: nothing behind it
                assert anonymous.status_code == 401
                assert bogus.status_code in (403, 404, 405)
                continue
            if bogus.status_code == 405:  # this path has no such method
                continue
            answered.add(name)
            assert anonymous.status_code == 401, (method, url)
            assert anonymous.json()["detail"] == "未登录或会话已过期"
            assert bogus.status_code == 401, (method, url, bogus.content[:200])
            assert bogus.json()["detail"] == "API 令牌无效"
    names = {p.name for p in api.urls[0]} - PUBLIC - {"api-root"}
    assert answered == names
    assert (TrailEntry.objects.count(), Body.objects.count(), Person.objects.count()) == before
    # The public ones stay public, with or without a token.
    for path in ("/healthz", "/api/openapi.json", "/api/docs"):
        assert client.get(path).status_code == 200, path
        assert client.get(path, headers=_bearer("djt_x")).status_code == 200, path


@pytest.mark.req("X.3", "R0.4")
def test_a_token_request_is_its_user_exactly(county, login):
    user = county.user(Role.ORG_SECRETARY)
    _, secret = _token(user)
    machine = Client()
    me = machine.get("/api/me", headers=_bearer(secret)).json()
    assert me == login(user).get("/api/me").json()
    assert me["username"] == user.username
    page = machine.get("/api/people", headers=_bearer(secret)).json()
    assert page["total"] == 3
    assert {p["id"] for p in page["items"]} == {p.pk for p in county.depts[0].people[:3]}
    # Another department's record: 404 exactly as the session user gets it.
    other = county.depts[1].people[0]
    by_token = machine.get(f"/api/people/{other.pk}", headers=_bearer(secret))
    by_session = login(user).get(f"/api/people/{other.pk}")
    assert by_token.status_code == by_session.status_code == 404
    assert by_token.json() == by_session.json() == {"detail": "记录不存在或不在您的权限范围内"}
    # ... and a write to it changes nothing.
    response = machine.patch(f"/api/people/{other.pk}", {"job_title": "局长"},
                             content_type=JSON, headers=_bearer(secret))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.job_title == ""


@pytest.mark.req("X.3", "R0.4")
def test_a_token_of_a_member_is_refused_what_the_member_is_refused(county):
    member = county.user(Role.MEMBER)
    _, secret = _token(member)
    machine = Client()
    before = (Person.objects.count(), TrailEntry.objects.count())
    response = machine.post("/api/people", {"name": "某", "gender": "F",
                                            "unit": county.depts[0].unit.pk},
                            content_type=JSON, headers=_bearer(secret))
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有此项权限"
    assert machine.get("/api/bodies", headers=_bearer(secret)).status_code == 403
    own = machine.get(f"/api/people/{member.person.pk}", headers=_bearer(secret))
    assert own.status_code == 200
    other = county.depts[0].people[0]
    assert machine.get(f"/api/people/{other.pk}", headers=_bearer(secret)).status_code == 404
    assert (Person.objects.count(), TrailEntry.objects.count()) == before


@pytest.mark.req("X.3", "R0.7")
def test_a_token_writes_without_csrf_and_the_session_still_needs_it(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    _, secret = _token(admin)
    machine = Client(enforce_csrf_checks=True)
    response = machine.post("/api/bodies", _new_branch(county), content_type=JSON,
                            headers=_bearer(secret))
    assert response.status_code == 201, response.content
    body = Body.objects.get(name="令牌新建党支部")
    entry = TrailEntry.objects.get(subject_type="org.body", subject_id=str(body.pk))
    assert entry.actor_id == admin.pk  # the trace names the token's user
    # The same client logged in, without a token and without CSRF: refused, nothing written.
    machine.force_login(admin)
    before = (Body.objects.count(), TrailEntry.objects.count())
    response = machine.post("/api/bodies", _new_branch(county, "会话新建党支部"),
                            content_type=JSON)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert (Body.objects.count(), TrailEntry.objects.count()) == before
    # A permission-gated write (can_structure) takes the token as well.
    response = machine.post(f"/api/bodies/{body.pk}/rename",
                            {"name": "令牌更名党支部", "on": "2025-01-01"},
                            content_type=JSON, headers=_bearer(secret))
    assert response.status_code == 200, response.content


@pytest.mark.req("X.3", "R0.4")
def test_a_revoked_token_is_refused_and_its_attempt_traced(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    token, secret = _token(admin)
    machine = Client()
    assert machine.get("/api/bodies", headers=_bearer(secret)).status_code == 200
    token_revoke(actor=admin, token=token)
    before = Body.objects.count()
    for method, url, data in [("get", "/api/bodies", None),
                              ("post", "/api/bodies", _new_branch(county))]:
        response = machine.generic(method.upper(), url, json.dumps(data or {}),
                                   content_type=JSON, headers=_bearer(secret))
        assert response.status_code == 401
        assert response.json()["detail"] == "API 令牌已撤销"
    assert Body.objects.count() == before
    # A presented but revoked token is not rescued by a session either.
    machine.force_login(admin)
    response = machine.get("/api/bodies", headers=_bearer(secret))
    assert response.status_code == 401
    statuses = list(ApiTokenUse.objects.filter(token=token).order_by("at", "pk")
                    .values_list("method", "status"))
    assert statuses == [("GET", 200), ("GET", 401), ("POST", 401), ("GET", 401)]


@pytest.mark.req("X.3")
@pytest.mark.today("2026-06-01")
def test_an_expired_token_is_refused_with_its_date(county):
    import datetime as dt

    import time_machine

    user = county.user(Role.ORG_SECRETARY)
    _, secret = _token(user, expires_on=dt.date(2026, 6, 30))
    machine = Client()
    assert machine.get("/api/me", headers=_bearer(secret)).status_code == 200
    with time_machine.travel(dt.datetime(2026, 6, 30, 23, 0, tzinfo=dt.UTC)):  # 7月1日 in China
        response = machine.get("/api/me", headers=_bearer(secret))
    assert response.status_code == 401
    assert response.json()["detail"] == "API 令牌已于2026-06-30过期"


@pytest.mark.req("X.3")
def test_malformed_authorization_headers_are_401_never_500(county):
    machine = Client()
    for value in ("Bearer", "Bearer ", "Bearer djt_", "Bearer " + "x" * 5000, "Bearer 令牌",
                  "bearer djt_\x00", "Basic dXNlcjpwYXNz", "Token abc"):
        response = machine.get("/api/me", headers={"Authorization": value})
        assert response.status_code == 401, value
        assert response.json()["detail"]


@pytest.mark.req("X.3")
def test_each_use_is_one_insert_with_method_path_status_and_address(county):
    user = county.user(Role.ORG_SECRETARY)
    token, secret = _token(user)
    machine = Client()
    machine.get("/api/me", headers=_bearer(secret))  # sets last used
    with CaptureQueriesContext(connection) as queries:
        response = machine.get(f"/api/people/{county.depts[1].people[0].pk}",
                               headers=_bearer(secret))
    assert response.status_code == 404
    writes = [q["sql"] for q in queries.captured_queries
              if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert len(writes) == 1 and "accounts_apitokenuse" in writes[0], writes
    use = ApiTokenUse.objects.filter(token=token).latest("at")
    assert (use.method, use.path, use.status, use.client) == (
        "GET", f"/api/people/{county.depts[1].people[0].pk}", 404, "127.0.0.1")
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Session requests leave no token use.
    client = Client()
    client.force_login(user)
    count = ApiTokenUse.objects.count()
    client.get("/api/me")
    assert ApiTokenUse.objects.count() == count
    # The use records are append-only.
    with pytest.raises(ValueError):
        use.save()
    with pytest.raises(ValueError):
        use.delete()


@pytest.mark.req("X.3")
def test_openapi_declares_both_schemes_on_every_operation(db, client):
    doc = client.get("/api/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["type"] == "http" and schemes["TokenAuth"]["scheme"] == "bearer"
    assert schemes["SessionAuth"]["type"] == "apiKey" and schemes["SessionAuth"]["in"] == "cookie"
    assert set(schemes) == {"TokenAuth", "SessionAuth"}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("security") == [{"TokenAuth": []}, {"SessionAuth": []}], (method, path)
    assert "Bearer" in doc["info"]["description"]


@pytest.mark.req("X.3")
def test_the_secret_is_not_stored(county):
    token, secret = _token(county.user(Role.MEMBER))
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in json.dumps(row, default=str)
    assert secret.startswith(row["prefix"]) and len(row["prefix"]) < len(secret) / 4


@pytest.mark.req("X.3", "R0.4")
def test_a_county_admins_token_does_not_reach_another_county(county, login):
    from dangjian.testing import build_small_county

    other = build_small_county("乙县")
    stranger = other.depts[0].people[0]
    _, secret = _token(other.admin)  # 乙县's 工委 administrator
    machine = Client()
    for url in (f"/api/people/{stranger.pk}", f"/api/people/{county.depts[0].people[0].pk}"):
        by_token = machine.get(url, headers=_bearer(secret))
        by_session = login(other.admin).get(url)
        assert by_token.status_code == by_session.status_code
        assert by_token.json() == by_session.json()
    assert machine.get(f"/api/people/{stranger.pk}", headers=_bearer(secret)).status_code == 200
    response = machine.get(f"/api/people/{county.depts[0].people[0].pk}", headers=_bearer(secret))
    assert response.status_code == 404
    listed = machine.get("/api/people?limit=200", headers=_bearer(secret)).json()
    assert {p["unit_id"] for p in listed["items"]} == {other.depts[0].unit.pk}
    response = machine.patch(f"/api/people/{county.depts[0].people[0].pk}", {"job_title": "乙"},
                             content_type=JSON, headers=_bearer(secret))
    assert response.status_code == 404
    county.depts[0].people[0].refresh_from_db()
    assert county.depts[0].people[0].job_title == ""
