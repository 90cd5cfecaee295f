"""Input that used to end in a server error: each is now a 4xx with a Chinese message, through
the real pages and the API, and nothing changes.

- a leave, dissolve or merge date before a current post's start (the post would end before it
  began: the database's check constraint refused it, a 500);
- a control character (CR, LF, tab, BEL, VT, ESC, DEL, C1, U+2028) in a name or other short
  field; long text keeps its line breaks but not the other control characters.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.core.text import control_char_problem
from dangjian.org.models import Body, BodyKind, Person, Post, PostKind, Role
from dangjian.org.services import post_assign
from dangjian.org.tests.test_views_people import new_person
from dangjian.trail.models import TrailEntry

D = dt.date
JSON = "application/json"
LATE = D(2024, 1, 1)  # a post that starts after the date asked for
EARLY = "2023-06-01"


def _state():
    """What a refused request must leave exactly as it was."""
    return (list(Person.objects.order_by("pk").values_list("pk", "name", "left_on", "branch")),
            list(Body.objects.order_by("pk").values_list("pk", "name", "valid_to")),
            list(Post.objects.order_by("pk").values_list("pk", "end")),
            TrailEntry.objects.count())


def _late_post(person, body, kind):
    return post_assign(actor=None, person=person, body=body, kind=kind, start=LATE,
                       check_scope=False)


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.fixture
def admin(county, login):
    return login(county.user(Role.WORK_COMMITTEE_ADMIN))


@pytest.mark.req("R0.2", "R0.3")
def test_leave_before_a_posts_start_is_refused(county, admin):
    a = county.depts[0]
    person = a.people[3]
    _late_post(person, a.committee, PostKind.ORG_COMMITTEE_MEMBER)
    before = _state()
    page = admin.post(reverse("org:person_leave", args=[person.pk]),
                      {"on": EARLY, "reason": "调出"})
    assert page.status_code == 400
    assert "调离日期不能早于现任职务的任职日期" in page.content.decode()
    api = admin.post(f"/api/people/{person.pk}/leave", {"on": EARLY}, content_type=JSON)
    assert api.status_code == 422
    assert "调离日期不能早于现任职务的任职日期" in api.json()["detail"][0]["message"]
    assert _state() == before


@pytest.mark.req("R0.1", "R0.3")
def test_dissolve_before_a_posts_start_is_refused(county, admin):
    a = county.depts[0]
    _late_post(a.people[3], a.leading_group, PostKind.LEADING_GROUP_MEMBER)
    before = _state()
    page = admin.post(reverse("org:body_dissolve", args=[a.leading_group.pk]),
                      {"on": EARLY, "reason": "机构改革"})
    assert page.status_code == 400
    assert "日期不能早于该组织现任职务的任职日期" in page.content.decode()
    api = admin.post(f"/api/bodies/{a.leading_group.pk}/dissolve",
                     {"on": EARLY, "reason": "机构改革"}, content_type=JSON)
    assert api.status_code == 422 and "任职日期" in api.json()["detail"][0]["message"]
    assert _state() == before


@pytest.mark.req("R0.1", "R0.3")
def test_merge_before_a_posts_start_is_refused(county, admin):
    b = county.depts[1]
    merged, into = b.branches[1], b.branches[0]
    _late_post(b.people[4], merged, PostKind.ORG_COMMITTEE_MEMBER)
    before = _state()
    page = admin.post(reverse("org:body_merge", args=[merged.pk]),
                      {"into": into.pk, "on": EARLY})
    assert page.status_code == 400
    assert "日期不能早于该组织现任职务的任职日期" in page.content.decode()
    api = admin.post(f"/api/bodies/{merged.pk}/merge", {"into": into.pk, "on": EARLY},
                     content_type=JSON)
    assert api.status_code == 422 and "任职日期" in api.json()["detail"][0]["message"]
    assert _state() == before  # the members stayed in the branch too


BAD_NAMES = ["张\r\n三", "张\n三", "张\r三", "张\t三", "张\x07三", "张\x0b三", "张\x1b三",
             "张\x7f三", "张\x85三", "张\u2028三"]


@pytest.mark.req("R0.2")
@pytest.mark.parametrize("name", BAD_NAMES, ids=[repr(n) for n in BAD_NAMES])
def test_person_name_with_a_control_character_is_refused(county, admin, name):
    a = county.depts[0]
    person = a.people[3]
    before = _state()
    page = admin.post(reverse("org:person_create"), new_person(county, name=name))
    assert page.status_code == 400
    assert "不能包含换行符、制表符或其他控制字符" in page.content.decode()
    api = admin.post("/api/people", {
        "name": name, "gender": "F", "unit": a.unit.pk, "political_status": "masses",
    }, content_type=JSON)
    assert api.status_code == 422
    problem = api.json()["detail"][0]
    assert problem["field"] == "name" and "控制字符" in problem["message"]
    patched = admin.patch(f"/api/people/{person.pk}", {"name": name}, content_type=JSON)
    assert patched.status_code == 422 and _chinese(patched.json()["detail"][0]["message"])
    assert _state() == before


@pytest.mark.req("R0.1")
@pytest.mark.parametrize("name", ["新\r\n支部", "新\n支部", "新\x1f支部"])
def test_body_name_with_a_control_character_is_refused(county, admin, name):
    a = county.depts[0]
    before = _state()
    page = admin.post(reverse("org:body_create"), {
        "parent": a.committee.pk, "kind": BodyKind.BRANCH, "name": name,
        "valid_from": "2024-01-01"})
    assert page.status_code == 400 and "控制字符" in page.content.decode()
    api = admin.post("/api/bodies", {"parent": a.committee.pk, "kind": "branch", "name": name,
                                     "valid_from": "2024-01-01"}, content_type=JSON)
    assert api.status_code == 422 and "控制字符" in api.json()["detail"][0]["message"]
    branch = a.branches[1]
    rename = admin.post(reverse("org:body_rename", args=[branch.pk]),
                        {"name": f"改{name}", "on": "2024-01-01"})
    assert rename.status_code == 400 and "控制字符" in rename.content.decode()
    api = admin.post(f"/api/bodies/{branch.pk}/rename", {"name": f"改{name}", "on": "2024-01-01"},
                     content_type=JSON)
    assert api.status_code == 422
    assert _state() == before


@pytest.mark.req("R0.1")
def test_short_fields_and_long_text_follow_their_rules(county, admin):
    """A short field refuses a line break; long text keeps one but not a BEL or ESC."""
    assert control_char_problem("第一行\n第二行\t完", multiline=True) == ""
    assert control_char_problem("第一行\x07", multiline=True)
    assert control_char_problem("第一行\r\n第二行")
    assert control_char_problem("正常的名称（简称）") == ""
    branch = county.depts[0].branches[1]
    before = _state()
    page = admin.post(reverse("org:body_dissolve", args=[county.depts[0].leading_group.pk]),
                      {"on": "2024-06-01", "reason": "机构\x1b改革"})
    assert page.status_code == 400 and "控制字符" in page.content.decode()
    edit = admin.post(reverse("org:body_edit", args=[branch.pk]),
                      {"short_name": "一\n支部", "code": "", "sort_order": "0"})
    assert edit.status_code == 400 and "控制字符" in edit.content.decode()
    assert _state() == before
