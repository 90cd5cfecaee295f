"""Posts with terms through HTTP (R0.3)."""

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.org.models import Post, PostKind, Role
from dangjian.trail.models import TrailEntry

D = dt.date
ADMIN = Role.WORK_COMMITTEE_ADMIN


def traced(action: str, obj: object, user: object) -> bool:
    return TrailEntry.objects.filter(
        action=action, subject_type=obj._meta.label_lower, subject_id=str(obj.pk), actor=user
    ).exists()


@pytest.mark.req("R0.3")
def test_post_list_current_by_default_and_as_of_a_date(county, login):
    client = login(county.user(ADMIN))
    post = Post.objects.get(body=county.depts[0].branches[0])
    client.post(reverse("org:post_end", args=[post.pk]), {"on": "2024-02-01"})
    url = reverse("org:post_list")
    current = {p.pk for p in client.get(url).context["page"]}
    assert post.pk not in current and len(current) == Post.objects.filter(end=None).count()
    then = {p.pk for p in client.get(url, {"on": "2024-01-31"}).context["page"]}
    assert post.pk in then
    assert post.pk not in {p.pk for p in client.get(url, {"on": "2024-02-01"}).context["page"]}
    assert post.pk in {p.pk for p in client.get(url, {"current": "false"}).context["page"]}
    html = client.get(url, {"on": "2024-01-31"}).content.decode()
    assert "2024-01-31在任" in html


@pytest.mark.req("R0.3")
def test_post_list_filters_by_kind_and_body(county, login):
    client = login(county.user(ADMIN))
    url = reverse("org:post_list")
    page = client.get(url, {"kind": PostKind.LEADING_GROUP_SECRETARY}).context["page"]
    assert {p.body for p in page} == {d.leading_group for d in county.depts}
    page = client.get(url, {"body": county.depts[0].unit.pk}).context["page"]
    assert {p.body.path.startswith(county.depts[0].unit.path) for p in page} == {True}
    assert len(page) == 3


@pytest.mark.req("R0.3", "R0.4")
def test_post_list_is_scoped(county, login):
    page = login(county.user(Role.ORG_SECRETARY)).get(reverse("org:post_list")).context["page"]
    assert [p.body for p in page] == [county.depts[0].branches[0]]
    assert login(county.user(Role.MEMBER)).get(reverse("org:post_list")).status_code == 403


@pytest.mark.req("R0.3")
def test_assign_a_post_with_portfolio(county, login):
    admin = county.user(ADMIN)
    client = login(admin)
    dept = county.depts[0]
    person = dept.people[3]
    form = client.get(reverse("org:post_assign"), {"body": dept.leading_group.pk}).content
    assert f'<option value="{dept.leading_group.pk}" selected>'.encode() in form
    response = client.post(reverse("org:post_assign"), {
        "person": person.pk, "body": dept.leading_group.pk,
        "kind": PostKind.PARTY_BUILDING_MEMBER, "portfolio": "分管党建、机关事务",
        "start": "2024-03-01",
    })
    assert response.status_code == 302
    post = Post.objects.get(person=person, body=dept.leading_group)
    assert (post.kind, post.portfolio, post.start) == (
        PostKind.PARTY_BUILDING_MEMBER, "分管党建、机关事务", D(2024, 3, 1))
    assert traced("create", post, admin)
    html = client.get(reverse("org:person_detail", args=[person.pk])).content.decode()
    assert "分管党建工作的党组成员" in html and "分管党建、机关事务" in html


@pytest.mark.req("R0.3")
def test_assign_a_second_secretary_is_refused_with_the_reason(county, login):
    client = login(county.user(ADMIN))
    branch = county.depts[0].branches[0]
    before = Post.objects.count()
    response = client.post(reverse("org:post_assign"), {
        "person": county.depts[0].people[2].pk, "body": branch.pk,
        "kind": PostKind.ORG_SECRETARY, "start": "2024-03-01", "portfolio": "保留的输入",
    })
    html = response.content.decode()
    assert response.status_code == 400
    assert "请先为其办理免职" in html and county.depts[0].people[1].name in html
    assert 'value="保留的输入"' in html
    response = client.post(reverse("org:post_assign"), {
        "person": county.depts[0].people[2].pk, "body": branch.pk,
        "kind": PostKind.LEADING_GROUP_SECRETARY, "start": "2024-03-01",
    })
    assert "“党组书记”应设在：党组" in response.content.decode()
    assert Post.objects.count() == before


@pytest.mark.req("R0.3", "R0.4")
def test_assign_refused_out_of_scope(county, login):
    before = Post.objects.count()
    assert login(county.user(Role.ORGANIZATION_DEPT)).get(
        reverse("org:post_assign")).status_code == 403
    lg = login(county.user(Role.LEADING_GROUP_SECRETARY))
    response = lg.post(reverse("org:post_assign"), {
        "person": county.depts[0].people[5].pk, "body": county.depts[1].leading_group.pk,
        "kind": PostKind.LEADING_GROUP_MEMBER, "start": "2024-03-01",
    })
    assert response.status_code == 400 and "请从列表中选择" in response.content.decode()
    assert Post.objects.count() == before


@pytest.mark.req("R0.3")
def test_end_a_post(county, login):
    user = county.user(Role.LEADING_GROUP_SECRETARY)
    client = login(user)
    post = Post.objects.get(body=county.depts[0].branches[0])
    response = client.post(reverse("org:post_end", args=[post.pk]),
                           {"on": "2019-12-31", "reason": "换届"})
    assert response.status_code == 400
    assert "免职日期不能早于任职日期" in response.content.decode()
    post.refresh_from_db()
    assert post.end is None
    response = client.post(reverse("org:post_end", args=[post.pk]),
                           {"on": "2024-12-31", "reason": "换届"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.end, post.end_reason) == (D(2024, 12, 31), "换届")
    assert traced("end", post, user)


@pytest.mark.req("R0.3", "R0.4")
def test_end_post_refused_out_of_scope(county, login):
    own = Post.objects.get(body=county.depts[0].branches[0])
    other = Post.objects.get(body=county.depts[1].leading_group)
    data = {"on": "2024-12-31"}
    assert login(county.user(Role.ORGANIZATION_DEPT)).post(
        reverse("org:post_end", args=[own.pk]), data).status_code == 403
    assert login(county.user(Role.LEADING_GROUP_SECRETARY)).post(
        reverse("org:post_end", args=[other.pk]), data).status_code == 404
    assert not Post.objects.filter(end__isnull=False).exists()
