"""One filter definition per list: the people and posts pages, their Excel exports and the API
read the same query string the same way (dangjian/org/filters.py)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from dangjian.org.models import Person, PoliticalStatus, Role
from dangjian.org.services import person_leave, post_end
from dangjian.testing import make_person

ADMIN = Role.WORK_COMMITTEE_ADMIN


def _page_ids(client, url, query):
    return {obj.pk for obj in client.get(f"{url}?{query}").context["page"]}


def _api_ids(client, url, query):
    response = client.get(f"{url}?{query}&limit=200")
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def _export_names(client, kind, query, column):
    response = client.get(f"{reverse('org:export', args=[kind])}?{query}")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    i = rows[0].index(column)
    return sorted(r[i] for r in rows[1:])


@pytest.mark.req("R0.2", "R0.8", "X.3")
@pytest.mark.parametrize("query", [
    "political_status=masses", "include_left=true", "q=县财", "body={unit}",
    "body={unit}&political_status=member&include_left=true", "",
])
def test_people_page_export_and_api_list_the_same_people(county, login, query):
    a = county.depts[0]
    make_person(a.unit, None, "李群众")
    left = make_person(a.unit, a.branches[0], "王调离")
    person_leave(actor=county.user(ADMIN), person=left, on=left.party_join_date)
    query = query.format(unit=a.unit.pk)
    client = login(county.user(ADMIN))
    page = _page_ids(client, reverse("org:person_list"), query)
    api = _api_ids(client, "/api/people", query)
    assert page == api and page
    names = sorted(p.name for p in client.get(f"{reverse('org:person_list')}?{query}&page=1")
                   .context["page"].object_list)
    assert _export_names(client, "people", query, "姓名") == names
    assert (left.pk in page) == ("include_left" in query)
    if "masses" in query:
        assert page == set(Person.objects.filter(political_status=PoliticalStatus.MASSES,
                                                 left_on__isnull=True).values_list("pk", flat=True))


@pytest.mark.req("R0.2", "X.3")
def test_the_page_uses_the_filters_names_and_links_its_export_with_them(county, login):
    client = login(county.user(ADMIN))
    a = county.depts[0]
    html = client.get(reverse("org:person_list"),
                      {"political_status": "member", "include_left": "true", "body": a.unit.pk,
                       "q": "县"}).content.decode()
    assert 'name="political_status"' in html and 'name="include_left"' in html
    assert 'name="status"' not in html and 'name="left"' not in html
    assert (f'/org/export/people.xlsx?q=%E5%8E%BF&amp;body={a.unit.pk}&amp;political_status=member'
            '&amp;include_left=true"') in html
    # The old names mean nothing any more: the list is unfiltered by them.
    make_person(a.unit, None, "李群众")
    ids = _page_ids(client, reverse("org:person_list"), "status=masses")
    assert len(ids) > 1


@pytest.mark.req("R0.2", "X.3")
def test_a_bad_value_is_named_on_the_page_and_a_422_in_the_api(county, login):
    client = login(county.user(ADMIN))
    response = client.get(reverse("org:person_list"),
                          {"political_status": "nonsense", "body": "9" * 30})
    html = response.content.decode()
    assert response.status_code == 200
    assert "筛选条件“政治面貌”的值无效，已忽略" in html
    assert "筛选条件“组织 id（所在单位或党组织，含下级）”的值无效" in html
    assert len(response.context["page"].object_list) == 12
    for query, field in [("political_status=nonsense", "political_status"),
                         ("body=" + "9" * 30, "body"), ("include_left=maybe", "include_left")]:
        response = client.get(f"/api/people?{query}")
        assert response.status_code == 422, query
        assert response.json()["detail"][0]["field"] == field
    # An id in range but outside the user's scope: 404 through the API and the export,
    # a warning on the page.
    secretary = login(county.user(Role.ORG_SECRETARY))
    other = county.depts[1].unit.pk
    assert secretary.get(f"/api/people?body={other}").status_code == 404
    assert secretary.get(f"/org/export/people.xlsx?body={other}").status_code == 404
    html = secretary.get(f"/org/people/?body={other}").content.decode()
    assert "所选组织不存在或不在您的查看范围内" in html


@pytest.mark.req("R0.3", "R0.8", "X.3")
@pytest.mark.parametrize("query", ["", "current=false", "kind=lg_secretary", "on=2021-06-30",
                                   "body={unit}&current=false"])
def test_posts_page_export_and_api_list_the_same_posts(county, login, query):
    a = county.depts[0]
    ended = a.people[1].posts.get()
    post_end(actor=county.user(ADMIN), post=ended, on=ended.start.replace(year=2022))
    query = query.format(unit=a.unit.pk)
    client = login(county.user(ADMIN))
    page = _page_ids(client, reverse("org:post_list"), query)
    assert page == _api_ids(client, "/api/posts", query)
    assert (ended.pk in page) == ("current=false" in query or "on=2021" in query)
    posts = client.get(f"{reverse('org:post_list')}?{query}").context["page"].object_list
    assert _export_names(client, "posts", query, "姓名") == sorted(p.person.name for p in posts)
    html = client.get(f"{reverse('org:post_list')}?{query}").content.decode()
    if query:
        assert f"/org/export/posts.xlsx?{query.replace('&', '&amp;')}\"" in html


@pytest.mark.req("R0.1", "R0.8", "X.3")
@pytest.mark.parametrize("query", ["body={unit}", "body={unit}&kind=branch", "q=第2",
                                   "include_ended=true&kind=leading_group"])
def test_bodies_export_and_api_list_the_same_bodies(county, login, query):
    a = county.depts[0]
    query = query.format(unit=a.unit.pk)
    client = login(county.user(ADMIN))
    response = client.get(f"/api/bodies?{query}&limit=200")
    assert response.status_code == 200
    api_names = sorted(b["name"] for b in response.json()["items"])
    assert api_names
    assert _export_names(client, "bodies", query, "名称") == api_names


@pytest.mark.req("R0.1", "X.3")
def test_the_tree_uses_the_filters_names_and_its_export_link_carries_them(county, login):
    client = login(county.user(ADMIN))
    committee = county.depts[0].committee
    html = client.get(reverse("org:tree"), {"body": committee.pk, "kind": "branch",
                                            "include_ended": "true"}).content.decode()
    assert 'name="include_ended" value="true" checked' in html and 'name="ended"' not in html
    assert (f'/org/export/bodies.xlsx?kind=branch&amp;body={committee.pk}'
            '&amp;include_ended=true"') in html
