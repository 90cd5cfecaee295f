"""Input the fuzzer sends (tests/api_fuzz): a NUL character in a query string, a form or a JSON
body, and a path no operation matches. Each is a 4xx in JSON, never a 500, and changes nothing."""

import pytest
from django.test import Client

from dangjian.org.models import Body, Role
from dangjian.trail.models import TrailEntry

CSRF = "a" * 32


def _admin(county):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county.user(Role.WORK_COMMITTEE_ADMIN))
    client.cookies["csrftoken"] = CSRF
    return client


@pytest.mark.req("X.3")
@pytest.mark.parametrize("path", ["/api/changes?q=%00", "/api/people?q=a%00b",
                                  "/api/bodies?q=%00&kind=branch"])
def test_a_nul_in_the_query_string_is_a_422_on_its_field(county, path):
    response = _admin(county).get(path)
    assert response.status_code == 422
    assert response.json() == {"detail": [{"field": "q", "message": "不能包含空字符（\\x00）"}]}


@pytest.mark.req("X.3")
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_nul_in_a_body_is_a_422_and_creates_nothing(county, content_type):
    data = {"name": "新\x00支部", "kind": "branch", "parent": county.depts[0].committee.pk,
            "valid_from": "2024-01-01"}
    if content_type != "application/json":
        from urllib.parse import urlencode
        data = urlencode(data)
    before = (Body.objects.count(), TrailEntry.objects.count())
    response = _admin(county).post("/api/bodies", data, content_type=content_type,
                                   headers={"X-CSRFToken": CSRF})
    assert response.status_code == 422
    assert {"field": "name", "message": "不能包含空字符（\\x00）"} in response.json()["detail"]
    assert (Body.objects.count(), TrailEntry.objects.count()) == before


@pytest.mark.req("X.3")
@pytest.mark.parametrize("path", ["/api/people/null,null", "/api/bodies/abc/rename",
                                  "/api/nothing-here", "/api/posts/1/end/extra"])
def test_a_path_no_operation_matches_is_the_api_json_404(county, path):
    response = _admin(county).post(path, {}, content_type="application/json",
                                   headers={"X-CSRFToken": CSRF})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "记录不存在或不在您的权限范围内"}


@pytest.mark.req("X.3", "R0.2")
def test_a_null_for_a_field_that_cannot_be_empty_is_a_422_and_changes_nothing(county):
    person = county.depts[0].people[0]
    before = (person.rank, TrailEntry.objects.count())
    response = _admin(county).patch(f"/api/people/{person.pk}", {"rank": None, "name": None},
                                    content_type="application/json",
                                    headers={"X-CSRFToken": CSRF})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"rank", "name"}
    person.refresh_from_db()
    assert (person.rank, TrailEntry.objects.count()) == before


@pytest.mark.req("X.3")
def test_a_token_write_to_a_path_no_operation_matches_is_the_json_404(county):
    from dangjian.accounts.services import token_create

    _, secret = token_create(actor=county.user(Role.WORK_COMMITTEE_ADMIN), name="测试")
    response = Client(enforce_csrf_checks=True).post(
        "/api/bodies/abc/dissolve", {}, content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 404
    assert response.json() == {"detail": "记录不存在或不在您的权限范围内"}
