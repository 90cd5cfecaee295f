"""Bodies through the API: the same selectors, services and scope gate as the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.org.models import Body, BodyKind, Person, Role
from dangjian.trail.models import TrailEntry

JSON = "application/json"


def _post(client, url, data):
    return client.post(url, data, content_type=JSON)


@pytest.mark.req("X.3")
def test_list_filters_and_paginates_with_a_total(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    page = client.get("/api/bodies?kind=branch&limit=3").json()
    assert page["total"] == 4 and page["limit"] == 3 and page["offset"] == 0
    assert len(page["items"]) == 3
    assert {b["kind"] for b in page["items"]} == {"branch"}
    rest = client.get("/api/bodies?kind=branch&limit=3&offset=3").json()
    assert len(rest["items"]) == 1
    seen = {b["id"] for b in page["items"] + rest["items"]}
    assert seen == {b.pk for d in county.depts for b in d.branches}
    committee = county.depts[0].committee
    children = client.get(f"/api/bodies?parent={committee.pk}").json()
    assert {b["id"] for b in children["items"]} == {b.pk for b in county.depts[0].branches}
    found = client.get("/api/bodies?q=财政").json()
    assert found["total"] > 0
    assert all("财政" in b["name"] for b in found["items"])


@pytest.mark.req("X.3", "R0.4")
def test_branch_secretary_lists_only_their_branch(county, login):
    client = login(county.user(Role.ORG_SECRETARY))
    page = client.get("/api/bodies").json()
    assert [b["id"] for b in page["items"]] == [county.depts[0].branches[0].pk]
    assert page["total"] == 1
    # Filtering by a body outside scope is answered like a body that does not exist.
    response = client.get(f"/api/bodies?parent={county.depts[1].committee.pk}")
    assert response.status_code == 404


@pytest.mark.req("X.3", "R0.4")
def test_detail_in_scope_and_out_of_scope(county, login):
    client = login(county.user(Role.LEADING_GROUP_SECRETARY))
    own = client.get(f"/api/bodies/{county.depts[0].unit.pk}")
    assert own.status_code == 200
    assert own.json()["versions"][0]["name"] == county.depts[0].unit.name
    assert client.get(f"/api/bodies/{county.depts[1].unit.pk}").status_code == 404
    assert client.get(f"/api/bodies/{county.root.pk}").status_code == 404


@pytest.mark.req("X.3", "R0.4")
def test_member_has_no_body_reads(county, login):
    client = login(county.user(Role.MEMBER))
    assert client.get("/api/bodies").status_code == 403
    assert client.get("/api/bodies/tree").status_code == 403
    assert client.get(f"/api/bodies/{county.depts[0].branches[0].pk}").status_code == 404


@pytest.mark.req("X.3", "R0.1", "R0.7")
def test_create_writes_a_trail_entry(county, login):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    client = login(admin)
    response = _post(client, "/api/bodies", {
        "name": "县教育局第3党支部", "kind": "branch", "parent": county.depts[0].committee.pk,
        "valid_from": "2024-03-01", "short_name": "三支部",
    })
    assert response.status_code == 201, response.content
    data = response.json()
    body = Body.objects.get(pk=data["id"])
    assert body.parent == county.depts[0].committee and body.kind == BodyKind.BRANCH
    assert data["parent_name"] == county.depts[0].committee.name
    entry = TrailEntry.objects.get(subject_type="org.body", subject_id=str(body.pk))
    assert entry.action == "create" and entry.actor == admin


@pytest.mark.req("X.3", "R0.4", "R6.1")
def test_discipline_reads_county_wide_but_cannot_write(county, login):
    client = login(county.user(Role.DISCIPLINE_COMMISSION))
    assert client.get("/api/bodies").json()["total"] == Body.objects.count()
    assert client.get(f"/api/bodies/{county.depts[1].unit.pk}").status_code == 200
    before = (Body.objects.count(), TrailEntry.objects.count())
    branch = county.depts[0].branches[0]
    for url, data in [
        ("/api/bodies", {"name": "x", "kind": "branch", "parent": county.depts[0].committee.pk,
                         "valid_from": "2024-01-01"}),
        (f"/api/bodies/{branch.pk}/rename", {"name": "新名", "on": "2024-06-01"}),
        (f"/api/bodies/{branch.pk}/dissolve", {"on": "2024-06-01", "reason": "r"}),
        # Even a malformed request is refused for the permission, not for the input.
        ("/api/bodies", {"kind": "nonsense"}),
    ]:
        response = _post(client, url, data)
        assert response.status_code == 403, url
        assert response.json()["detail"] == "您没有此项权限"
    branch.refresh_from_db()
    assert branch.name == "县教育局第1党支部"
    assert (Body.objects.count(), TrailEntry.objects.count()) == before


@pytest.mark.req("X.3", "R0.1")
def test_rename_then_tree_on_a_date_shows_the_name_of_that_day(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    branch = county.depts[0].branches[0]
    response = _post(client, f"/api/bodies/{branch.pk}/rename",
                     {"name": "县教育局机关第一党支部", "on": "2024-06-01"})
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "县教育局机关第一党支部"

    def name_on(day):
        nodes = client.get(f"/api/bodies/tree?on={day}").json()
        return next(n["name"] for n in nodes if n["body_id"] == branch.pk)

    assert name_on("2024-05-31") == "县教育局第1党支部"
    assert name_on("2024-06-01") == "县教育局机关第一党支部"
    assert TrailEntry.objects.filter(action="rename", subject_id=str(branch.pk)).exists()
    # Before the county existed there is no tree.
    assert client.get("/api/bodies/tree?on=2019-01-01").json() == []


@pytest.mark.req("X.3")
def test_invalid_rename_and_dissolve_give_field_errors_and_change_nothing(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    branch = county.depts[0].branches[0]
    before = TrailEntry.objects.count()
    response = _post(client, f"/api/bodies/{branch.pk}/rename", {"name": "  ", "on": "2024-06-01"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "name", "message": "请输入新的名称"}]
    response = _post(client, f"/api/bodies/{branch.pk}/rename",
                     {"name": "新名", "on": "2019-01-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "on"
    response = _post(client, f"/api/bodies/{branch.pk}/dissolve",
                     {"on": "2024-06-01", "reason": "机构改革"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "__all__", "message": "该组织仍有在册人员，请先转移人员的组织关系"}
    ]
    response = _post(client, f"/api/bodies/{branch.pk}/move",
                     {"parent": 999999, "on": "2024-06-01"})
    assert response.status_code == 404
    assert "上级组织" in response.json()["detail"]
    branch.refresh_from_db()
    assert branch.is_active and branch.name == "县教育局第1党支部"
    assert TrailEntry.objects.count() == before


@pytest.mark.req("X.3", "R0.1")
def test_move_merge_and_dissolve(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    a, b = county.depts
    response = _post(client, f"/api/bodies/{a.branches[1].pk}/move",
                     {"parent": a.unit.pk, "on": "2024-06-01"})
    assert response.status_code == 200, response.content
    assert response.json()["parent_id"] == a.unit.pk
    movers = set(Person.objects.filter(branch=b.branches[1]))
    response = _post(client, f"/api/bodies/{b.branches[1].pk}/merge",
                     {"into": b.branches[0].pk, "on": "2024-06-01"})
    assert response.status_code == 200, response.content
    assert response.json()["merged_into_id"] == b.branches[0].pk
    assert response.json()["is_active"] is False
    assert movers <= set(Person.objects.filter(branch=b.branches[0]))
    response = _post(client, f"/api/bodies/{a.leading_group.pk}/dissolve",
                     {"on": "2024-06-01", "reason": "机构改革"})
    assert response.status_code == 200, response.content
    assert response.json()["valid_to"] == "2024-06-01"
    ended = client.get("/api/bodies?include_ended=true&kind=leading_group").json()
    assert a.leading_group.pk in {x["id"] for x in ended["items"]}
    current = client.get("/api/bodies?kind=leading_group").json()
    assert a.leading_group.pk not in {x["id"] for x in current["items"]}
    actions = set(TrailEntry.objects.filter(action__in=["move", "merge", "dissolve"])
                  .values_list("action", flat=True))
    assert actions == {"move", "merge", "dissolve"}


@pytest.mark.req("X.3")
def test_list_queries_do_not_grow_with_the_page(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    counts = []
    for limit in (1, 17):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/bodies?limit={limit}")
        assert len(response.json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.req("X.3")
def test_writes_on_an_ended_body_are_refused_not_crashed(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    a = county.depts[0]
    assert _post(client, f"/api/bodies/{a.leading_group.pk}/dissolve",
                 {"on": "2024-06-01", "reason": "机构改革"}).status_code == 200
    before = TrailEntry.objects.count()
    for url, data in [
        (f"/api/bodies/{a.leading_group.pk}/rename", {"name": "新名", "on": "2024-07-01"}),
        (f"/api/bodies/{a.leading_group.pk}/dissolve", {"on": "2024-07-01", "reason": "r"}),
        (f"/api/bodies/{a.leading_group.pk}/move",
         {"parent": county.depts[1].unit.pk, "on": "2024-07-01"}),
        (f"/api/bodies/{county.depts[1].leading_group.pk}/merge",
         {"into": a.leading_group.pk, "on": "2024-07-01"}),
    ]:
        response = _post(client, url, data)
        assert 400 <= response.status_code < 500, (url, response.status_code)
        assert response.json()["detail"]
    assert TrailEntry.objects.count() == before
