"""People pages through HTTP (R0.2, R0.6)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.evidence.services import evidence_attach
from dangjian.org.idcard import make_id_number
from dangjian.org.models import Person, PoliticalStatus, Post, Role
from dangjian.testing import make_person
from dangjian.trail.models import TrailEntry

D = dt.date
ADMIN = Role.WORK_COMMITTEE_ADMIN
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def traced(action: str, obj: object, user: object) -> TrailEntry | None:
    return TrailEntry.objects.filter(
        action=action, subject_type=obj._meta.label_lower, subject_id=str(obj.pk), actor=user
    ).first()


def new_person(county, **extra):
    dept = county.depts[0]
    data = {
        "name": "王新", "gender": "F", "id_number": make_id_number("410100", D(1990, 3, 8), 7),
        "education": "bachelor", "major": "法学", "job_title": "科员", "rank": "一级科员",
        "political_status": PoliticalStatus.MEMBER, "party_join_date": "2015-07-01",
        "unit": dept.unit.pk, "branch": dept.branches[0].pk, "phone": "13900000000",
        "is_party_cadre": "on", "cadre_type": "part_time",
    }
    data.update(extra)
    return data


# The list ------------------------------------------------------------------------------------

@pytest.mark.req("R0.2")
def test_person_list_masks_id_numbers_and_links_export(county, login):
    response = login(county.user(ADMIN)).get(reverse("org:person_list"))
    html = response.content.decode()
    person = county.depts[0].people[0]
    assert response.status_code == 200
    assert person.name in html and person.id_number_masked in html
    assert person.id_number not in html
    assert reverse("org:export", args=["people"]) in html


@pytest.mark.req("R0.2", "R0.4")
def test_person_list_is_scoped(county, login):
    html = login(county.user(Role.ORG_SECRETARY)).get(reverse("org:person_list")).content.decode()
    a, b = county.depts
    assert all(p.name in html for p in a.people[:3])
    assert a.people[3].name not in html and b.people[0].name not in html
    assert login(county.user(Role.MEMBER)).get(reverse("org:person_list")).status_code == 403


@pytest.mark.req("R0.2")
def test_person_list_filters_by_body_status_and_name(county, login):
    client = login(county.user(ADMIN))
    a, b = county.depts
    make_person(a.unit, None, "李群众")
    url = reverse("org:person_list")
    page = client.get(url, {"body": a.committee.pk}).context["page"]
    assert {p.pk for p in page} == {p.pk for p in a.people}
    page = client.get(url, {"body": a.unit.pk, "political_status": PoliticalStatus.MASSES}
                      ).context["page"]
    assert [p.name for p in page] == ["李群众"]
    page = client.get(url, {"q": b.people[2].name}).context["page"]
    assert [p.pk for p in page] == [b.people[2].pk]
    response = client.get(url, {"body": "999999"})
    assert "所选组织不存在或不在您的查看范围内" in response.content.decode()


@pytest.mark.req("R0.2")
def test_person_list_pages_by_fifty_with_fixed_queries(county, login):
    client = login(county.user(ADMIN))
    url = reverse("org:person_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    unit, branch = county.depts[0].unit, county.depts[0].branches[0]
    for i in range(45):
        make_person(unit, branch, f"批量{i:02d}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    page = response.context["page"]
    assert page.paginator.count == Person.objects.count() == 57 and len(page) == 50
    assert "第 1 / 2 页" in response.content.decode()
    assert len(client.get(url, {"page": 2}).context["page"]) == 7


# A person's page -----------------------------------------------------------------------------

@pytest.mark.req("R0.2", "R0.6")
def test_person_detail_masks_the_id_and_reveals_it_only_to_editors(county, login):
    person = county.depts[0].people[0]
    url = reverse("org:person_detail", args=[person.pk])
    editor = login(county.user(ADMIN))
    html = editor.get(url).content.decode()
    assert person.id_number_masked in html and person.id_number not in html
    assert "显示" in html and "党组书记" in html  # the post held now
    assert reverse("evidence:upload", args=["person", person.pk]) in html
    assert not TrailEntry.objects.filter(action="reveal").exists()  # masked: nothing to trace
    assert person.id_number in editor.get(url, {"show_id": "1"}).content.decode()
    [look] = TrailEntry.objects.filter(action="reveal")
    # Who looked at whose number is traced; the trace keeps the number masked.
    assert (look.subject_type, look.subject_id) == ("org.person", str(person.pk))
    assert look.actor_id == county.user(ADMIN).pk
    assert person.id_number not in str(look.after) and person.id_number_masked in str(look.after)
    viewer = login(county.user(Role.ORGANIZATION_DEPT))
    html = viewer.get(url, {"show_id": "1"}).content.decode()
    assert person.id_number not in html and "显示</a>" not in html
    assert TrailEntry.objects.filter(action="reveal").count() == 1
    assert "佐证材料" in html and reverse("evidence:upload", args=["person", person.pk]) not in html


@pytest.mark.req("R0.2", "R0.4")
def test_person_detail_scope(county, login):
    own, other = county.depts[0].people[0], county.depts[1].people[0]
    secretary = login(county.user(Role.ORG_SECRETARY))
    assert secretary.get(reverse("org:person_detail", args=[own.pk])).status_code == 200
    assert secretary.get(reverse("org:person_detail", args=[other.pk])).status_code == 404
    member = county.user(Role.MEMBER)
    client = login(member)
    assert client.get(reverse("org:person_detail", args=[member.person.pk])).status_code == 200
    assert client.get(reverse("org:person_detail", args=[own.pk])).status_code == 404


@pytest.mark.req("R0.6")
def test_person_detail_lists_attached_evidence(county, login):
    person = county.depts[0].people[3]
    admin = county.user(ADMIN)
    evidence_attach(actor=admin, record=person, name="任职文件.png", data=PNG)
    html = login(admin).get(reverse("org:person_detail", args=[person.pk])).content.decode()
    assert "任职文件.png" in html


@pytest.mark.req("R0.2", "R0.3")
def test_person_detail_shows_past_posts(county, login):
    client = login(county.user(ADMIN))
    post = Post.objects.get(body=county.depts[0].branches[0])
    client.post(reverse("org:post_end", args=[post.pk]), {"on": "2024-02-01", "reason": "换届"})
    html = client.get(reverse("org:person_detail", args=[post.person_id])).content.decode()
    assert "曾任职务" in html and "2024-02-01" in html and "换届" in html


# Create, edit, leave -------------------------------------------------------------------------

@pytest.mark.req("R0.2")
def test_create_person_with_every_attribute(county, login):
    admin = county.user(ADMIN)
    response = login(admin).post(reverse("org:person_create"), new_person(county))
    person = Person.objects.get(name="王新")
    assert response.status_code == 302
    assert response.url == reverse("org:person_detail", args=[person.pk])
    assert person.birth_date == D(1990, 3, 8)  # taken from the ID number
    assert (person.education, person.major, person.rank) == ("bachelor", "法学", "一级科员")
    assert person.branch == county.depts[0].branches[0] and person.is_party_cadre
    assert person.cadre_type == "part_time" and person.party_join_date == D(2015, 7, 1)
    entry = traced("create", person, admin)
    assert entry is not None and entry.after["身份证号"] == person.id_number_masked


@pytest.mark.req("R0.2")
def test_create_person_with_bad_input_keeps_it_and_says_why(county, login):
    client = login(county.user(ADMIN))
    before = Person.objects.count()
    good = make_id_number("410100", D(1990, 3, 8), 7)
    bad = good[:-1] + ("1" if good[-1] == "0" else "0")
    response = client.post(reverse("org:person_create"), new_person(county, id_number=bad))
    html = response.content.decode()
    assert response.status_code == 400
    assert "身份证号校验位不正确" in html
    assert 'value="王新"' in html and 'value="法学"' in html
    response = client.post(reverse("org:person_create"), new_person(county, branch=""))
    assert "党员须填写所在党组织" in response.content.decode()
    response = client.post(reverse("org:person_create"), new_person(county, cadre_type=""))
    assert "党务干部须注明专职或兼职" in response.content.decode()
    assert Person.objects.count() == before


@pytest.mark.req("R0.2", "R0.4")
def test_branch_secretary_adds_people_only_to_their_branch(county, login):
    user = county.user(Role.ORG_SECRETARY)
    client = login(user)
    own, other = county.depts[0].branches[0], county.depts[1].branches[0]
    form = client.get(reverse("org:person_create")).content.decode()
    assert f'<option value="{own.pk}" selected>' in form
    assert f'<option value="{county.depts[0].unit.pk}" selected>' in form
    assert other.name not in form
    before = Person.objects.count()
    response = client.post(reverse("org:person_create"), new_person(county, branch=other.pk))
    assert response.status_code == 400 and "请从列表中选择" in response.content.decode()
    # A non-member sits in the unit only, which the branch secretary does not maintain.
    outside = new_person(county, branch="", political_status=PoliticalStatus.MASSES,
                         party_join_date="")
    assert client.post(reverse("org:person_create"), outside).status_code == 403
    assert Person.objects.count() == before
    assert client.post(reverse("org:person_create"), new_person(county)).status_code == 302
    assert Person.objects.get(name="王新").branch == own
    assert login(county.user(Role.ORGANIZATION_DEPT)).get(
        reverse("org:person_create")).status_code == 403


@pytest.mark.req("R0.2")
def test_edit_person_keeps_the_id_number_when_left_blank(county, login):
    admin = county.user(ADMIN)
    client = login(admin)
    person = county.depts[0].people[3]
    number = person.id_number
    form = client.get(reverse("org:person_edit", args=[person.pk])).content.decode()
    assert number not in form and person.id_number_masked in form
    assert f'value="{person.name}"' in form
    data = {
        "name": person.name, "gender": person.gender, "id_number": "",
        "political_status": person.political_status,
        "party_join_date": person.party_join_date.isoformat(),
        "unit": person.unit_id, "branch": person.branch_id, "job_title": "办公室主任",
        "is_reserve_cadre": "on",
    }
    response = client.post(reverse("org:person_edit", args=[person.pk]), data)
    assert response.status_code == 302, response.content.decode()
    person.refresh_from_db()
    assert person.job_title == "办公室主任" and person.is_reserve_cadre
    assert person.id_number == number
    entry = traced("update", person, admin)
    assert entry is not None and entry.after == {"行政职务": "办公室主任", "后备干部": True}


@pytest.mark.req("R0.2", "R0.4")
def test_edit_person_refused_out_of_scope(county, login):
    own, other = county.depts[0].people[0], county.depts[1].people[0]
    data = {"name": "改名", "gender": "M", "political_status": "masses",
            "unit": own.unit_id}
    viewer = login(county.user(Role.ORGANIZATION_DEPT))
    assert viewer.post(reverse("org:person_edit", args=[own.pk]), data).status_code == 403
    lg = login(county.user(Role.LEADING_GROUP_SECRETARY))
    assert lg.post(reverse("org:person_edit", args=[other.pk]), data).status_code == 404
    assert not Person.objects.filter(name="改名").exists()


@pytest.mark.req("R0.2", "R0.3")
def test_person_leaves_and_their_posts_end(county, login):
    admin = county.user(ADMIN)
    client = login(admin)
    person = county.depts[0].people[0]  # 党组书记
    response = client.post(reverse("org:person_leave", args=[person.pk]),
                           {"on": "2024-06-30", "reason": "调出县直机关"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.left_on == D(2024, 6, 30)
    assert not person.posts.filter(end__isnull=True).exists()
    assert traced("end", person, admin) is not None
    response = client.post(reverse("org:person_leave", args=[person.pk]), {"on": "2024-07-01"})
    assert "该人员已调离" in response.content.decode()
    person.refresh_from_db()
    assert person.left_on == D(2024, 6, 30)
    assert person.name not in client.get(reverse("org:person_list")).content.decode()


@pytest.mark.req("R0.2", "R0.4")
def test_leave_refused_out_of_scope(county, login):
    own, other = county.depts[0].people[0], county.depts[1].people[0]
    data = {"on": "2024-06-30"}
    assert login(county.user(Role.ORGANIZATION_DEPT)).post(
        reverse("org:person_leave", args=[own.pk]), data).status_code == 403
    assert login(county.user(Role.ORG_SECRETARY)).post(
        reverse("org:person_leave", args=[other.pk]), data).status_code == 404
    assert not Person.objects.filter(left_on__isnull=False).exists()
