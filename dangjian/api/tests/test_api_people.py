"""People and posts through the API: scope, masking, validation, trace."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.org.idcard import make_id_number
from dangjian.org.models import Person, Post, PostKind, Role
from dangjian.trail.models import TrailEntry

JSON = "application/json"


def _post(client, url, data):
    return client.post(url, data, content_type=JSON)


def _new_person(county, dept=0, **extra):
    d = county.depts[dept]
    return {"name": "新同志", "gender": "F", "unit": d.unit.pk, "branch": d.branches[0].pk,
            "id_number": make_id_number("410100", dt.date(1990, 5, 6), 777),
            "party_join_date": "2015-07-01", **extra}


@pytest.mark.req("X.3", "R0.4")
def test_branch_secretary_cannot_read_a_person_of_another_department(county, login):
    client = login(county.user(Role.ORG_SECRETARY))
    other = county.depts[1].people[0]
    response = client.get(f"/api/people/{other.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == "记录不存在或不在您的权限范围内"
    # Same department, another branch: also outside a branch secretary's scope.
    assert client.get(f"/api/people/{county.depts[0].people[3].pk}").status_code == 404
    page = client.get("/api/people").json()
    assert page["total"] == 3
    assert {p["id"] for p in page["items"]} == {p.pk for p in county.depts[0].people[:3]}


@pytest.mark.req("X.3", "R0.4", "R0.2")
def test_id_number_is_masked_unless_the_caller_may_edit_the_person(county, login):
    person = county.depts[0].people[0]
    secretary = county.user(Role.ORG_SECRETARY)
    editor = login(secretary)
    plain = editor.get(f"/api/people/{person.pk}").json()
    assert plain["id_number"] == person.id_number_masked
    looks = TrailEntry.objects.filter(action="reveal", subject_id=str(person.pk))
    assert not looks.exists()
    revealed = editor.get(f"/api/people/{person.pk}?reveal_id=true").json()
    assert revealed["id_number"] == person.id_number
    assert revealed["id_number_is_masked"] is False
    # Each look is traced like the page's reveal (who, whom), the number masked in the trace.
    (look,) = looks
    assert look.actor == secretary and person.id_number not in str(look.after)
    reader = login(county.user(Role.DISCIPLINE_COMMISSION)).get(
        f"/api/people/{person.pk}?reveal_id=true")
    assert reader.status_code == 200
    data = reader.json()
    assert data["id_number"] == person.id_number_masked != person.id_number
    assert data["id_number_is_masked"] is True
    # Lists never carry the full number, whoever asks.
    page = login(county.user(Role.WORK_COMMITTEE_ADMIN)).get("/api/people?limit=200").json()
    assert person.id_number not in str(page)
    assert all("*" in p["id_number_masked"] for p in page["items"])


@pytest.mark.req("X.3", "R0.4")
def test_member_reads_only_themselves(county, login):
    member = county.user(Role.MEMBER)
    client = login(member)
    assert client.get(f"/api/people/{member.person.pk}").status_code == 200
    assert client.get(f"/api/people/{county.depts[0].people[0].pk}").status_code == 404
    assert client.get("/api/people").status_code == 403


@pytest.mark.req("X.3", "R0.2")
def test_list_filters(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    b = county.depts[1]
    page = client.get(f"/api/people?body={b.unit.pk}").json()
    assert {p["id"] for p in page["items"]} == {p.pk for p in b.people}
    page = client.get(f"/api/people?body={b.branches[1].pk}").json()
    assert {p["id"] for p in page["items"]} == {p.pk for p in b.people[3:]}
    assert client.get("/api/people?political_status=masses").json()["total"] == 0
    page = client.get("/api/people?q=县财00").json()
    assert [p["name"] for p in page["items"]] == ["县财00号"]
    assert client.get("/api/people?q=县财").json()["total"] == 6
    # A filter form's empty fields mean "no filter".
    assert client.get("/api/people?q=&body=&political_status=").json()["total"] == 12


@pytest.mark.req("X.3", "R0.2", "R0.7")
def test_create_person_writes_a_trail_entry(county, login):
    user = county.user(Role.LEADING_GROUP_SECRETARY)
    client = login(user)
    response = _post(client, "/api/people", _new_person(county))
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.birth_date == dt.date(1990, 5, 6)  # taken from the ID number
    entry = TrailEntry.objects.get(subject_type="org.person", subject_id=str(person.pk))
    assert entry.action == "create" and entry.actor == user
    assert person.id_number not in str(entry.after)  # the trace keeps it masked


@pytest.mark.req("X.3", "R0.2")
def test_invalid_person_gives_chinese_field_errors_and_changes_nothing(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    before = (Person.objects.count(), TrailEntry.objects.count())
    bad_id = _new_person(county)["id_number"][:-1] + "0"
    response = _post(client, "/api/people", _new_person(county, id_number=bad_id))
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["detail"]}
    assert errors == {"id_number": "身份证号校验位不正确"}
    response = _post(client, "/api/people",
                     _new_person(county, branch=None, political_status="member"))
    assert {e["field"]: e["message"] for e in response.json()["detail"]} == {
        "branch": "党员须填写所在党组织"}
    response = _post(client, "/api/people", _new_person(county, gender="X"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "gender"
    assert (Person.objects.count(), TrailEntry.objects.count()) == before


@pytest.mark.req("X.3", "R0.4")
def test_branch_secretary_creates_in_their_branch_only(county, login):
    client = login(county.user(Role.ORG_SECRETARY))
    # Their unit is outside what they may browse, but reachable through their branch.
    response = _post(client, "/api/people", _new_person(county))
    assert response.status_code == 201, response.content
    assert response.json()["unit_id"] == county.depts[0].unit.pk
    before = Person.objects.count()
    response = _post(client, "/api/people",
                     _new_person(county, dept=1, id_number=""))
    assert response.status_code == 404
    response = _post(client, "/api/people",
                     _new_person(county, branch=county.depts[0].branches[1].pk, id_number=""))
    assert response.status_code == 404
    assert Person.objects.count() == before


@pytest.mark.req("X.3", "R0.4", "R0.7")
def test_patch_changes_only_what_is_sent_within_scope(county, login):
    client = login(county.user(Role.ORG_SECRETARY))
    person = county.depts[0].people[0]
    response = client.patch(f"/api/people/{person.pk}", {"job_title": "科长"},
                            content_type=JSON)
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.job_title == "科长" and person.branch == county.depts[0].branches[0]
    entry = TrailEntry.objects.filter(subject_type="org.person", action="update").latest("seq")
    assert entry.after == {"行政职务": "科长"}
    other = county.depts[1].people[0]
    assert client.patch(f"/api/people/{other.pk}", {"job_title": "x"},
                        content_type=JSON).status_code == 404
    # Moving someone to a branch outside one's scope: refused, nothing changes.
    response = client.patch(f"/api/people/{person.pk}",
                            {"branch": county.depts[1].branches[0].pk}, content_type=JSON)
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.branch == county.depts[0].branches[0]
    reader = login(county.user(Role.DISCIPLINE_COMMISSION))
    assert reader.patch(f"/api/people/{person.pk}", {"job_title": "x"},
                        content_type=JSON).status_code == 403


@pytest.mark.req("X.3", "R0.2")
def test_admin_moves_a_person_to_another_department(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    person, b = county.depts[0].people[5], county.depts[1]
    response = client.patch(f"/api/people/{person.pk}",
                            {"unit": b.unit.pk, "branch": b.branches[0].pk}, content_type=JSON)
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert (person.unit, person.branch) == (b.unit, b.branches[0])


@pytest.mark.req("X.3", "R0.2", "R0.3")
def test_leave_ends_posts(county, login):
    person = county.depts[0].people[1]  # the branch secretary
    assert Post.objects.filter(person=person, end__isnull=True).exists()
    assert login(county.user(Role.DISCIPLINE_COMMISSION)).post(
        f"/api/people/{person.pk}/leave", {"on": "2024-06-01"}, content_type=JSON
    ).status_code == 403
    client = login(county.user(Role.LEADING_GROUP_SECRETARY))
    response = _post(client, f"/api/people/{person.pk}/leave",
                     {"on": "2024-06-01", "reason": "调任"})
    assert response.status_code == 200, response.content
    assert response.json()["left_on"] == "2024-06-01"
    assert not Post.objects.filter(person=person, end__isnull=True).exists()
    response = _post(client, f"/api/people/{person.pk}/leave", {"on": "2024-07-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["message"] == "该人员已调离"


@pytest.mark.req("X.3")
def test_person_list_queries_do_not_grow_with_the_page(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    counts = []
    for limit in (1, 12):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/people?limit={limit}")
        assert len(response.json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# Posts ----------------------------------------------------------------------------------------


@pytest.mark.req("X.3", "R0.3", "R0.4")
def test_post_list_and_holders(county, login):
    a, b = county.depts
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    page = client.get("/api/posts?kind=lg_secretary").json()
    assert {p["body_id"] for p in page["items"]} == {a.leading_group.pk, b.leading_group.pk}
    assert client.get("/api/posts?on=2019-06-01").json()["total"] == 0
    holders = client.get(f"/api/posts/holders?body={a.leading_group.pk}&kind=lg_secretary")
    assert holders.json() == [{"id": a.people[0].pk, "name": a.people[0].name}]
    secretary = login(county.user(Role.ORG_SECRETARY))
    page = secretary.get("/api/posts").json()
    assert {p["body_id"] for p in page["items"]} == {a.branches[0].pk}
    response = secretary.get(f"/api/posts/holders?body={b.leading_group.pk}&kind=lg_secretary")
    assert response.status_code == 404
    assert secretary.get("/api/posts/holders").status_code == 422


@pytest.mark.req("X.3", "R0.3", "R0.7")
def test_assign_and_end_a_post(county, login):
    a = county.depts[0]
    client = login(county.user(Role.LEADING_GROUP_SECRETARY))
    response = _post(client, "/api/posts", {
        "person": a.people[3].pk, "body": a.branches[1].pk, "kind": "org_secretary",
        "start": "2024-01-01",
    })
    assert response.status_code == 201, response.content
    post = Post.objects.get(pk=response.json()["id"])
    assert TrailEntry.objects.filter(subject_type="org.post", subject_id=str(post.pk),
                                     action="create").exists()
    # A second secretary for the same branch and time: refused with the reason.
    before = Post.objects.count()
    response = _post(client, "/api/posts", {
        "person": a.people[4].pk, "body": a.branches[1].pk, "kind": "org_secretary",
        "start": "2024-03-01",
    })
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["field"] == "start" and a.people[3].name in error["message"]
    assert Post.objects.count() == before
    response = _post(client, f"/api/posts/{post.pk}/end", {"end": "2023-01-01"})
    assert response.json()["detail"] == [{"field": "end", "message": "免职日期不能早于任职日期"}]
    response = _post(client, f"/api/posts/{post.pk}/end", {"end": "2024-06-01", "reason": "换届"})
    assert response.status_code == 200, response.content
    holders = client.get(
        f"/api/posts/holders?body={a.branches[1].pk}&kind={PostKind.ORG_SECRETARY}&on=2024-05-31"
    ).json()
    assert [h["id"] for h in holders] == [a.people[3].pk]
    holders = client.get(
        f"/api/posts/holders?body={a.branches[1].pk}&kind=org_secretary&on=2024-06-01"
    ).json()
    assert holders == []


@pytest.mark.req("X.3", "R0.4")
def test_post_writes_outside_scope(county, login):
    a, b = county.depts
    other_post = Post.objects.get(body=b.leading_group)
    secretary = login(county.user(Role.ORG_SECRETARY))
    assert _post(secretary, f"/api/posts/{other_post.pk}/end",
                 {"end": "2024-06-01"}).status_code == 404
    assert _post(secretary, "/api/posts", {
        "person": a.people[0].pk, "body": a.leading_group.pk, "kind": "lg_member",
        "start": "2024-01-01",
    }).status_code == 404  # the 党组 is above a branch secretary's scope
    reader = login(county.user(Role.DISCIPLINE_COMMISSION))
    assert _post(reader, f"/api/posts/{other_post.pk}/end",
                 {"end": "2024-06-01"}).status_code == 403
    other_post.refresh_from_db()
    assert other_post.end is None
