"""The organisation tree and body pages through HTTP (R0.1, R0.6)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.org.models import Body, BodyKind, BodyVersion, Person, Role
from dangjian.org.services import body_create
from dangjian.testing import START, make_person
from dangjian.trail.models import TrailEntry

D = dt.date
ADMIN = Role.WORK_COMMITTEE_ADMIN


def traced(action: str, obj: object, user: object) -> bool:
    return TrailEntry.objects.filter(
        action=action, subject_type=obj._meta.label_lower, subject_id=str(obj.pk), actor=user
    ).exists()


def add_dept(root: Body, name: str) -> Body:
    unit = body_create(actor=None, name=name, kind=BodyKind.UNIT, parent=root,
                       valid_from=START, check_scope=False)
    committee = body_create(actor=None, name=f"{name}机关党委", kind=BodyKind.ORGAN_COMMITTEE,
                            parent=unit, valid_from=START, check_scope=False)
    for i in range(2):
        branch = body_create(actor=None, name=f"{name}第{i + 1}支部", kind=BodyKind.BRANCH,
                             parent=committee, valid_from=START, check_scope=False)
        for j in range(3):
            make_person(unit, branch, f"{name[:2]}{i}{j}")
    return unit


# The tree ------------------------------------------------------------------------------------

@pytest.mark.req("R0.1")
def test_tree_shows_children_with_kind_and_counts(county, login):
    client = login(county.user(ADMIN))
    dept = county.depts[0]
    response = client.get(reverse("org:tree"), {"body": dept.unit.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "组织架构" in html
    assert dept.committee.name in html and dept.leading_group.name in html
    assert "机关党委" in html  # the kind column
    # 2 branches under the committee; 6 people in the committee's subtree
    rows = response.context["rows"]
    by_pk = {b.pk: b for b in rows}
    assert by_pk[dept.committee.pk].child_count == 2
    assert by_pk[dept.committee.pk].people_count == 6
    assert by_pk[dept.leading_group.pk].people_count == 0
    assert reverse("org:export", args=["bodies"]) in html


@pytest.mark.req("R0.1", "R0.4")
def test_tree_is_scoped_and_refused_without_view_permission(county, login):
    client = login(county.user(Role.LEADING_GROUP_SECRETARY))
    html = client.get(reverse("org:tree")).content.decode()
    assert county.depts[0].unit.name in html
    assert county.depts[1].unit.name not in html
    assert county.root.name not in html
    assert client.get(reverse("org:tree"), {"body": county.depts[1].unit.pk}).status_code == 404
    assert login(county.user(Role.MEMBER)).get(reverse("org:tree")).status_code == 403


@pytest.mark.req("R0.1")
def test_tree_filters_by_kind_and_name_and_shows_ended(county, login):
    client = login(county.user(ADMIN))
    dept = county.depts[0]
    url = reverse("org:tree")
    rows = client.get(url, {"body": county.root.pk, "kind": BodyKind.BRANCH}).context["rows"]
    assert {b.kind for b in rows} == {BodyKind.BRANCH}
    assert len(rows) == 4  # two departments' two branches: the whole subtree is searched
    rows = client.get(url, {"body": county.root.pk, "q": "财政"}).context["rows"]
    assert rows and all("财政" in b.name for b in rows)
    spare = body_create(actor=None, name="临时党支部", kind=BodyKind.BRANCH,
                        parent=dept.committee, valid_from=START, check_scope=False)
    admin = county.user(ADMIN)
    response = client.post(reverse("org:body_dissolve", args=[spare.pk]),
                           {"on": "2024-03-01", "reason": "任务完成"})
    assert response.status_code == 302, response.content.decode()
    names = [b.name for b in client.get(url, {"body": dept.committee.pk}).context["rows"]]
    assert "临时党支部" not in names
    rows = client.get(url, {"body": dept.committee.pk, "include_ended": "true"}).context["rows"]
    assert "临时党支部" in [b.name for b in rows]
    assert [b.ended_on for b in rows if b.pk == spare.pk] == [True]
    assert traced("dissolve", spare, admin)


@pytest.mark.req("R0.1")
def test_tree_as_of_a_past_date_shows_that_days_names_and_structure(county, login):
    client = login(county.user(ADMIN))
    dept = county.depts[0]
    response = client.post(reverse("org:body_rename", args=[dept.unit.pk]),
                           {"name": "县教育体育局", "on": "2023-01-01"})
    assert response.status_code == 302
    today = client.get(reverse("org:tree"), {"body": county.root.pk}).content.decode()
    assert "县教育体育局" in today
    past = client.get(reverse("org:tree"), {"body": county.root.pk, "on": "2022-06-30"})
    html = past.content.decode()
    assert "2022-06-30时的结构" in html
    assert "县教育局" in html and "县教育体育局" in html  # old name, and "现名" in the table
    assert [b.name_on for b in past.context["rows"] if b.pk == dept.unit.pk] == ["县教育局"]
    before = client.get(reverse("org:tree"), {"on": "2019-06-30"})
    assert before.context["rows"] == [] and "暂无可查看的组织" in before.content.decode()


@pytest.mark.req("R0.1")
def test_tree_query_count_does_not_grow_with_the_tree(county, login):
    client = login(county.user(ADMIN))
    url = reverse("org:tree")
    params = [{"body": county.root.pk},
              {"body": county.root.pk, "q": "局", "include_ended": "true"}]
    client.get(url)  # first request of the session creates the year

    def count() -> list[int]:
        out = []
        for p in params:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url, p).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    two = count()
    add_dept(county.root, "县民政局")
    add_dept(county.root, "县交通局")
    assert Body.objects.filter(kind=BodyKind.UNIT, parent=county.root).count() == 4
    four = count()
    assert four == two, (two, four)
    rows = client.get(url, {"body": county.root.pk}).context["rows"]
    assert "县交通局" in [b.name for b in rows]


# A body's page -------------------------------------------------------------------------------

@pytest.mark.req("R0.1", "R0.6")
def test_body_detail_shows_history_posts_counts_and_evidence(county, login):
    dept = county.depts[0]
    branch = dept.branches[0]
    client = login(county.user(Role.ORG_SECRETARY))
    response = client.get(reverse("org:body_detail", args=[branch.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert branch.name in html and "党组织书记" in html and dept.people[1].name in html
    assert "本级 3 人" in html
    assert "名称与隶属沿革" in html and "佐证材料" in html
    assert reverse("evidence:upload", args=["body", branch.pk]) in html  # may edit: can upload
    assert reverse("org:body_rename", args=[branch.pk]) not in html  # no structure rights
    assert client.get(reverse("org:body_detail", args=[county.depts[1].branches[0].pk])
                      ).status_code == 404
    viewer = login(county.user(Role.ORGANIZATION_DEPT))
    html = viewer.get(reverse("org:body_detail", args=[branch.pk])).content.decode()
    assert "佐证材料" in html
    assert reverse("evidence:upload", args=["body", branch.pk]) not in html


# Structure changes ---------------------------------------------------------------------------

@pytest.mark.req("R0.1")
def test_create_body_through_the_form(county, login):
    admin = county.user(ADMIN)
    client = login(admin)
    committee = county.depts[0].committee
    form = client.get(reverse("org:body_create"), {"parent": committee.pk}).content.decode()
    assert f'<option value="{committee.pk}" selected>' in form
    response = client.post(reverse("org:body_create"), {
        "parent": committee.pk, "kind": BodyKind.BRANCH, "name": "县教育局第3党支部",
        "valid_from": "2024-01-01", "code": "JY-3", "sort_order": "3",
    })
    body = Body.objects.get(name="县教育局第3党支部")
    assert response.status_code == 302 and response.url == reverse("org:body_detail",
                                                                     args=[body.pk])
    assert body.parent == committee and body.code == "JY-3" and body.valid_from == D(2024, 1, 1)
    assert body.path == f"{committee.path}{body.pk}/"
    assert traced("create", body, admin)


@pytest.mark.req("R0.1")
def test_create_body_with_bad_input_changes_nothing_and_says_why(county, login):
    client = login(county.user(ADMIN))
    branch = county.depts[0].branches[0]
    before = Body.objects.count()
    response = client.post(reverse("org:body_create"), {
        "parent": branch.pk, "kind": BodyKind.UNIT, "name": "不该建的单位",
        "valid_from": "2024-01-01",
    })
    html = response.content.decode()
    assert response.status_code == 400
    assert "“党支部”下不能设“部门（单位）”" in html
    assert 'value="不该建的单位"' in html  # the input is kept
    response = client.post(reverse("org:body_create"), {"parent": county.root.pk})
    assert "请填写" in response.content.decode()
    assert Body.objects.count() == before


@pytest.mark.req("R0.1", "R0.4")
def test_structure_actions_need_the_structure_permission(county, login):
    branch = county.depts[0].branches[0]
    before = TrailEntry.objects.count()
    for role in (Role.LEADING_GROUP_SECRETARY, Role.ORGANIZATION_DEPT):
        client = login(county.user(role))
        assert client.get(reverse("org:body_create")).status_code == 403
        assert client.post(reverse("org:body_create"), {
            "parent": branch.pk, "kind": BodyKind.BRANCH, "name": "X", "valid_from": "2024-01-01",
        }).status_code == 403
        for name, data in [("org:body_rename", {"name": "新名", "on": "2024-01-01"}),
                           ("org:body_edit", {"short_name": "简"}),
                           ("org:body_dissolve", {"on": "2024-01-01", "reason": "x"})]:
            assert client.post(reverse(name, args=[branch.pk]), data).status_code == 403
    other = county.depts[1].branches[0]
    client = login(county.user(Role.LEADING_GROUP_SECRETARY))
    assert client.post(reverse("org:body_rename", args=[other.pk]),
                       {"name": "新名", "on": "2024-01-01"}).status_code == 404
    branch.refresh_from_db()
    assert branch.name == "县教育局第1党支部" and branch.short_name == ""
    assert TrailEntry.objects.count() == before


@pytest.mark.req("R0.1")
def test_edit_body_attributes(county, login):
    admin = county.user(ADMIN)
    unit = county.depts[0].unit
    response = login(admin).post(reverse("org:body_edit", args=[unit.pk]),
                                 {"short_name": "教育局", "code": "11410100JY", "sort_order": "5"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.short_name, unit.code, unit.sort_order) == ("教育局", "11410100JY", 5)
    assert traced("update", unit, admin)


@pytest.mark.req("R0.1")
def test_edit_body_with_a_taken_code_says_so(county, login):
    client = login(county.user(ADMIN))
    a, b = county.depts[0].unit, county.depts[1].unit
    client.post(reverse("org:body_edit", args=[a.pk]), {"code": "DUP-1"})
    response = client.post(reverse("org:body_edit", args=[b.pk]), {"code": "DUP-1"})
    assert response.status_code == 400
    assert "已有相同机构代码的组织机构" in response.content.decode()
    b.refresh_from_db()
    assert b.code is None


@pytest.mark.req("R0.1")
def test_rename_keeps_history_and_bad_date_changes_nothing(county, login):
    admin = county.user(ADMIN)
    client = login(admin)
    unit = county.depts[0].unit
    response = client.post(reverse("org:body_rename", args=[unit.pk]),
                           {"name": "县教育体育局", "on": "2019-12-31"})
    assert response.status_code == 400
    assert "生效日期须晚于2020-01-01（上次变更日期）" in response.content.decode()
    unit.refresh_from_db()
    assert unit.name == "县教育局" and unit.versions.count() == 1
    response = client.post(reverse("org:body_rename", args=[unit.pk]),
                           {"name": "县教育体育局", "on": "2024-09-01"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "县教育体育局"
    assert list(unit.versions.values_list("name", "valid_to")) == [
        ("县教育局", D(2024, 9, 1)), ("县教育体育局", None)]
    assert traced("rename", unit, admin)
    html = client.get(reverse("org:body_detail", args=[unit.pk])).content.decode()
    assert "县教育局" in html and "2024-09-01" in html


@pytest.mark.req("R0.1")
def test_move_a_branch_to_another_committee(county, login):
    admin = county.user(ADMIN)
    client = login(admin)
    branch, target = county.depts[0].branches[1], county.depts[1].committee
    form = client.get(reverse("org:body_move", args=[branch.pk])).content.decode()
    assert target.name in form
    response = client.post(reverse("org:body_move", args=[branch.pk]),
                           {"parent": target.pk, "on": "2024-05-01"})
    assert response.status_code == 302
    branch.refresh_from_db()
    assert branch.parent == target and branch.path == f"{target.path}{branch.pk}/"
    assert BodyVersion.objects.filter(body=branch, parent=target,
                                      valid_from=D(2024, 5, 1)).exists()
    assert traced("move", branch, admin)


@pytest.mark.req("R0.1")
def test_move_refuses_a_parent_of_the_wrong_kind(county, login):
    client = login(county.user(ADMIN))
    branch = county.depts[0].branches[1]
    response = client.post(reverse("org:body_move", args=[branch.pk]),
                           {"parent": county.depts[0].leading_group.pk, "on": "2024-05-01"})
    assert response.status_code == 400
    assert "的取值不在可选范围内，请从列表中选择" in response.content.decode()
    branch.refresh_from_db()
    assert branch.parent == county.depts[0].committee


@pytest.mark.req("R0.1")
def test_dissolve_refuses_a_body_with_members(county, login):
    client = login(county.user(ADMIN))
    branch = county.depts[0].branches[0]
    response = client.post(reverse("org:body_dissolve", args=[branch.pk]),
                           {"on": "2024-01-01", "reason": "调整"})
    assert response.status_code == 400
    assert "该组织仍有在册人员，请先转移人员的组织关系" in response.content.decode()
    branch.refresh_from_db()
    assert branch.valid_to is None
    response = client.post(reverse("org:body_dissolve", args=[branch.pk]), {"on": "2024-01-01"})
    assert "请填写" in response.content.decode()


@pytest.mark.req("R0.1")
def test_merge_moves_members_and_shows_the_predecessor(county, login):
    admin = county.user(ADMIN)
    client = login(admin)
    dept = county.depts[0]
    gone, keep = dept.branches[1], dept.branches[0]
    response = client.post(reverse("org:body_merge", args=[gone.pk]),
                           {"into": keep.pk, "on": "2024-07-01"})
    assert response.status_code == 302
    gone.refresh_from_db()
    assert gone.merged_into == keep and gone.valid_to == D(2024, 7, 1)
    assert Person.objects.filter(branch=keep).count() == 6
    assert traced("merge", gone, admin)
    html = client.get(reverse("org:body_detail", args=[keep.pk])).content.decode()
    assert "并入本组织的原组织" in html and gone.name in html


@pytest.mark.req("R0.1")
def test_merge_into_a_body_of_another_kind_is_refused(county, login):
    client = login(county.user(ADMIN))
    dept = county.depts[0]
    response = client.post(reverse("org:body_merge", args=[dept.branches[1].pk]),
                           {"into": dept.committee.pk, "on": "2024-07-01"})
    assert response.status_code == 400 and "请从列表中选择" in response.content.decode()
    dept.branches[1].refresh_from_db()
    assert dept.branches[1].valid_to is None
