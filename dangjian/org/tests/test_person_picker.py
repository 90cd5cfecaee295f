"""The person picker through HTTP, and the two forms that choose a person with it (R0.2, R0.3,
R0.4, R2.1): scoped search, no full ID number, the chosen widget, and the posts that follow."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.duty_review.models import Assignment
from dangjian.duty_review.points import Tier
from dangjian.duty_review.testing import published_plan
from dangjian.org.models import Person, Post, PostKind, Role
from dangjian.org.views.picker import HINT, PICK_LIMIT
from dangjian.testing import make_person

ADMIN = Role.WORK_COMMITTEE_ADMIN
PICK = reverse("org:person_pick")


def search(client, q, **extra):
    response = client.get(PICK, {"q": q, **extra})
    assert response.status_code == 200
    return response.content.decode()


def picked_ids(html):
    """The person ids the result buttons would choose."""
    return [int(pk) for pk in re.findall(r"pick=(\d+)", html)]


def options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return [int(v) for v in re.findall(r'<option value="(\d+)"', select.group(1))]


# The search fragment -------------------------------------------------------------------------

@pytest.mark.req("R0.2", "R0.4")
def test_a_branch_secretary_finds_only_people_in_their_scope(county, login):
    a, b = county.depts
    client = login(county.user(Role.ORG_SECRETARY))
    html = search(client, "县")
    assert set(picked_ids(html)) == {p.pk for p in a.people[:3]}  # their branch only
    assert a.people[3].name not in html and b.people[0].name not in html
    html = search(client, b.people[0].name)
    assert "未找到" in html and picked_ids(html) == []


@pytest.mark.req("R0.2", "R0.4")
def test_a_county_wide_admin_finds_people_in_every_department(county, login):
    a, b = county.depts
    html = search(login(county.user(ADMIN)), "县")
    assert {p.pk for p in a.people + b.people} <= set(picked_ids(html))
    html = search(login(county.user(ADMIN)), b.people[4].name)
    assert picked_ids(html) == [b.people[4].pk]


@pytest.mark.req("R0.2")
def test_rows_tell_namesakes_apart_and_never_show_a_full_id_number(county, login):
    a, b = county.depts
    twin = make_person(b.unit, b.branches[1], a.people[0].name)
    html = search(login(county.user(ADMIN)), a.people[0].name)
    rows = {picked_ids(row)[0]: row for row in html.split("<li>")[1:]}
    assert set(rows) == {a.people[0].pk, twin.pk}
    assert "县教育局" in rows[a.people[0].pk] and "中共县教育局党组党组书记" in rows[a.people[0].pk]
    assert "县财政局" in rows[twin.pk] and b.branches[1].name in rows[twin.pk]
    for person in (a.people[0], twin):
        assert person.id_number not in html
        assert f"身份证尾号{person.id_number[-4:]}" in html
        assert person.id_number[:-4] not in html


@pytest.mark.req("R0.2")
def test_the_last_four_of_the_id_number_find_a_person(county, login):
    person = county.depts[1].people[2]
    html = search(login(county.user(ADMIN)), person.id_number[-4:].lower())
    assert person.pk in picked_ids(html)
    assert person.id_number not in html


@pytest.mark.req("R0.2")
def test_too_short_a_query_asks_for_a_name_and_no_match_says_so(county, login):
    client = login(county.user(ADMIN))
    for q in ("", "  ", "a", "7"):
        html = search(client, q)
        assert HINT in html and picked_ids(html) == []
    html = search(client, "欧")  # one Chinese character is a surname: searched
    assert HINT not in html and "未找到" in html


@pytest.mark.req("R0.2")
def test_at_most_twenty_rows_in_a_fixed_number_of_queries(county, login):
    unit, branch = county.depts[0].unit, county.depts[0].branches[1]
    client = login(county.user(ADMIN))
    search(client, "县教")  # the first request of a session also loads the session and user
    with CaptureQueriesContext(connection) as few:
        search(client, "县教")
    for i in range(PICK_LIMIT + 2):
        make_person(unit, branch, f"县教批量{i:02d}")
    with CaptureQueriesContext(connection) as many:
        html = search(client, "县教")
    assert len(picked_ids(html)) == PICK_LIMIT and f"仅显示前{PICK_LIMIT}条" in html
    assert len(many) == len(few)


@pytest.mark.req("R0.2", "R0.4")
def test_the_picker_is_for_readers_of_the_registry_only(county, client, login):
    assert client.get(PICK, {"q": "县"}).status_code == 302  # to the login page
    assert login(county.user(Role.MEMBER)).get(PICK, {"q": "县"}).status_code == 403


# Choosing ----------------------------------------------------------------------------------

@pytest.mark.req("R0.2", "R2.1")
def test_choosing_a_post_holder_offers_the_bodies_of_their_posts_first(county, login):
    a = county.depts[0]
    client = login(county.user(ADMIN))
    names = {"field": "reporter", "body_field": "reporter_body"}
    html = client.get(PICK, {**names, "pick": a.people[0].pk}).content.decode()
    assert f'<input type="hidden" name="reporter" value="{a.people[0].pk}">' in html
    assert options(html, "reporter_body") == [a.leading_group.pk, a.branches[0].pk]
    assert a.people[0].id_number not in html and "重新选择" in html
    # One place only (a branch secretary in their own branch): carried without a select.
    html = client.get(PICK, {**names, "pick": a.people[1].pk}).content.decode()
    assert f'<input type="hidden" name="reporter_body" value="{a.branches[0].pk}">' in html
    assert "<select" not in html
    # Choosing again brings the search box back, with the same input names.
    html = client.get(PICK, {**names, "pick": ""}).content.decode()
    assert 'type="search"' in html and 'name="reporter" value=""' in html
    assert "body_field=reporter_body" in html


@pytest.mark.req("R0.2", "R0.4")
def test_choosing_someone_out_of_scope_is_not_found(county, login):
    client = login(county.user(Role.ORG_SECRETARY))
    other = county.depts[1].people[0]
    response = client.get(PICK, {"field": "person", "pick": other.pk})
    assert response.status_code == 404 and other.name not in response.content.decode()
    assert client.get(PICK, {"pick": "x"}).status_code == 404


def test_input_names_from_the_query_string_are_plain_identifiers(county, login):
    html = login(county.user(ADMIN)).get(
        PICK, {"field": '"><script>', "body_field": "x y", "pick": ""}).content.decode()
    assert "<script>" not in html and 'name="person"' in html and "body_field" not in html


# 任职 with the picker ----------------------------------------------------------------------

@pytest.mark.req("R0.3")
def test_assign_a_post_by_searching_and_choosing_the_person(county, login):
    admin = county.user(ADMIN)
    client = login(admin)
    dept = county.depts[1]
    url = reverse("org:post_assign")
    html = client.get(url).content.decode()
    assert '<select name="person"' not in html  # no list of everyone in scope
    assert f'hx-get="{PICK}?field=person"' in html and 'id="id_person"' in html
    [pk] = picked_ids(search(client, dept.people[5].name, field="person"))
    chosen = client.get(PICK, {"field": "person", "pick": pk}).content.decode()
    assert f'name="person" value="{pk}"' in chosen
    response = client.post(url, {"person": pk, "body": dept.committee.pk,
                                 "kind": PostKind.ORG_COMMITTEE_MEMBER, "start": "2024-03-01"})
    assert response.status_code == 302
    assert Post.objects.filter(person_id=pk, body=dept.committee,
                               kind=PostKind.ORG_COMMITTEE_MEMBER).exists()


@pytest.mark.req("R0.3")
def test_the_assign_form_keeps_the_chosen_person_and_says_when_none_was_chosen(county, login):
    client = login(county.user(ADMIN))
    person = county.depts[0].people[5]
    url = reverse("org:post_assign")
    html = client.get(url, {"person": person.pk}).content.decode()
    assert f'name="person" value="{person.pk}"' in html and person.name in html
    before = Post.objects.count()
    html = client.post(url, {"person": person.pk, "start": "2024-03-01"}).content.decode()
    assert f'name="person" value="{person.pk}"' in html  # kept while the kind is fixed
    html = client.post(url, {"person": "", "body": county.depts[0].committee.pk,
                             "kind": PostKind.ORG_COMMITTEE_MEMBER,
                             "start": "2024-03-01"}).content.decode()
    assert "请搜索并选择人员" in html
    assert Post.objects.count() == before


@pytest.mark.req("R0.3", "R0.4")
def test_a_posted_person_out_of_scope_is_refused_and_not_echoed(county, login):
    client = login(county.user(Role.LEADING_GROUP_SECRETARY))
    other = county.depts[1].people[3]
    html = client.post(reverse("org:post_assign"), {
        "person": other.pk, "body": county.depts[0].committee.pk,
        "kind": PostKind.ORG_COMMITTEE_MEMBER, "start": "2024-03-01",
    }).content.decode()
    assert "所选人员不存在或不在您的查看范围内" in html and other.name not in html
    assert not Post.objects.filter(person=other, body=county.depts[0].committee).exists()


# 添加述职对象 with the picker -------------------------------------------------------------

@pytest.mark.req("R2.1")
def test_add_a_reporter_by_searching_and_choosing(county, login):
    a = county.depts[0]
    plan = published_plan()
    client = login(county.user(ADMIN))
    page = client.get(reverse("duty_review:plan_detail", args=[plan.pk])).content.decode()
    assert "人员编号" not in page and 'id="picker-reporter"' in page
    assert 'for="id_reporter"' in page and 'id="id_reporter"' in page
    names = {"field": "reporter", "body_field": "reporter_body"}
    disc = a.people[4]  # 纪检委员 in the unit's 机关纪委, member of its second branch
    [pk] = picked_ids(search(client, disc.name, **names))
    chosen = client.get(PICK, {**names, "pick": pk}).content.decode()
    assert options(chosen, "reporter_body") == [a.discipline.pk, a.branches[1].pk]
    response = client.post(reverse("duty_review:assignment_add", args=[plan.pk]), {
        "tier": Tier.PARTY_ORG, "reporter": pk, "reporter_body": a.discipline.pk,
        "form": "written"}, follow=True)
    assert f"已添加述职对象{disc.name}" in response.content.decode()
    added = Assignment.objects.get(plan=plan, tier=Tier.PARTY_ORG, reporter=disc)
    assert (added.reporter_body, added.form) == (a.discipline, "written")


@pytest.mark.req("R2.1")
def test_add_a_reporter_says_what_is_missing_and_adds_nothing(county, login):
    a = county.depts[0]
    plan = published_plan()
    client = login(county.user(ADMIN))
    url = reverse("duty_review:assignment_add", args=[plan.pk])
    before = Assignment.objects.count()
    for data, message in (
        ({"reporter": "", "reporter_body": ""}, "请搜索并选择述职人"),
        ({"reporter": a.people[4].pk, "reporter_body": ""}, "请选择述职人所在组织"),
        ({"reporter": Person.objects.order_by("-pk")[0].pk + 1,
          "reporter_body": a.discipline.pk}, "请搜索并选择述职人"),
    ):
        response = client.post(url, {"tier": Tier.PARTY_ORG, **data}, follow=True)
        assert message in response.content.decode()
    assert Assignment.objects.count() == before
