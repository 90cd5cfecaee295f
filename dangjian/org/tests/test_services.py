import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.org.idcard import id_number_problem, make_id_number, mask_id_number
from dangjian.org.models import Body, BodyKind, Person, Post, PostKind, Role
from dangjian.org.selectors import body_name_on, post_holders, predecessors, tree_on
from dangjian.org.services import (
    body_create,
    body_merge,
    body_move,
    body_rename,
    person_create,
    post_assign,
    post_end,
)

D = dt.date


@pytest.mark.req("R0.2")
def test_id_number_check_digit():
    good = make_id_number("110101", D(1990, 3, 7), 123)
    assert id_number_problem(good) is None
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    assert id_number_problem(bad) == "身份证号校验位不正确"
    assert id_number_problem("11010119900230123X") == "身份证号中的出生日期无效"
    assert id_number_problem("123") == "身份证号应为18位"
    assert id_number_problem("11010519491231002X") is None  # the standard's own example
    assert mask_id_number(good) == good[:4] + "*" * 10 + good[-4:]


@pytest.mark.req("R0.2")
def test_invalid_id_number_refused_and_nothing_saved(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    before = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        person_create(actor=admin, name="错号", gender="M", unit=county.depts[0].unit,
                      branch=county.depts[0].branches[0], id_number="110101199003071231")
    assert "身份证号校验位不正确" in exc.value.message_dict["id_number"]
    assert Person.objects.count() == before


@pytest.mark.req("R0.3", "R0.1")
def test_post_holder_on_date_across_rename(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    dept = county.depts[0]
    branch = dept.branches[1]
    first, second = dept.people[3], dept.people[5]
    post_assign(actor=admin, person=first, body=branch, kind=PostKind.ORG_SECRETARY,
                start=D(2021, 1, 1))
    body_rename(actor=admin, body=branch, name="县教育局机关第二支部", on=D(2022, 6, 1))
    post = Post.objects.get(person=first, body=branch)
    post_end(actor=admin, post=post, on=D(2023, 3, 1), reason="调整")
    post_assign(actor=admin, person=second, body=branch, kind=PostKind.ORG_SECRETARY,
                start=D(2023, 3, 1))

    assert post_holders(body=branch, kind=PostKind.ORG_SECRETARY, on=D(2021, 5, 1)) == [first]
    assert post_holders(body=branch, kind=PostKind.ORG_SECRETARY, on=D(2022, 12, 1)) == [first]
    assert post_holders(body=branch, kind=PostKind.ORG_SECRETARY, on=D(2023, 3, 1)) == [second]
    assert body_name_on(body=branch, on=D(2022, 5, 31)) == "县教育局第2党支部"
    assert body_name_on(body=branch, on=D(2022, 6, 1)) == "县教育局机关第二支部"
    names_2021 = {n.name for n in tree_on(user=admin, on=D(2021, 1, 1))}
    assert "县教育局第2党支部" in names_2021 and "县教育局机关第二支部" not in names_2021


@pytest.mark.req("R0.3", "R0.1")
def test_post_holder_across_merge(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    dept = county.depts[0]
    keep, gone = dept.branches
    holder = dept.people[4]
    post_assign(actor=admin, person=holder, body=gone, kind=PostKind.ORG_SECRETARY,
                start=D(2021, 1, 1))
    members = list(Person.objects.filter(branch=gone))
    body_merge(actor=admin, body=gone, into=keep, on=D(2024, 1, 1))
    gone.refresh_from_db()
    assert gone.valid_to == D(2024, 1, 1) and gone.merged_into == keep
    assert post_holders(body=gone, kind=PostKind.ORG_SECRETARY, on=D(2023, 12, 31)) == [holder]
    assert post_holders(body=gone, kind=PostKind.ORG_SECRETARY, on=D(2024, 1, 1)) == []
    assert list(predecessors(body=keep)) == [gone]
    moved = Person.objects.filter(pk__in=[m.pk for m in members])
    assert all(p.branch_id == keep.pk for p in moved)
    # The past still shows the merged branch; today's tree does not.
    assert gone.pk in {n.body_id for n in tree_on(user=admin, on=D(2023, 6, 1))}
    assert gone.pk not in {n.body_id for n in tree_on(user=admin, on=D(2024, 6, 1))}


@pytest.mark.req("R0.3")
def test_single_holder_post_cannot_overlap(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    dept = county.depts[0]
    with pytest.raises(ValidationError) as exc:
        post_assign(actor=admin, person=dept.people[3], body=dept.leading_group,
                    kind=PostKind.LEADING_GROUP_SECRETARY, start=D(2024, 1, 1))
    assert "请先为其办理免职" in str(exc.value)


@pytest.mark.req("R0.3")
def test_post_kind_must_fit_body(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    dept = county.depts[0]
    with pytest.raises(ValidationError):
        post_assign(actor=admin, person=dept.people[3], body=dept.branches[0],
                    kind=PostKind.LEADING_GROUP_MEMBER, start=D(2024, 1, 1))


@pytest.mark.req("R0.1")
def test_move_reroots_subtree(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    a, b = county.depts
    committee = a.committee
    body_move(actor=admin, body=committee, parent=b.unit, on=D(2024, 1, 1))
    for branch in a.branches:
        branch.refresh_from_db()
        assert branch.path.startswith(b.unit.path)
        assert branch.depth == b.unit.depth + 2


@pytest.mark.req("R0.1")
def test_kind_rules_refuse_wrong_parent(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    with pytest.raises(ValidationError):
        body_create(actor=admin, name="错误支部", kind=BodyKind.BRANCH,
                    parent=county.depts[0].leading_group, valid_from=D(2024, 1, 1))


@pytest.mark.req("R0.4")
def test_branch_secretary_cannot_write_outside_branch(county):
    user = county.user(Role.ORG_SECRETARY)
    other = county.depts[1]
    count = Person.objects.count()
    with pytest.raises(PermissionDenied):
        person_create(actor=user, name="越权", gender="F", unit=other.unit,
                      branch=other.branches[0])
    with pytest.raises(PermissionDenied):
        body_create(actor=user, name="越权支部", kind=BodyKind.BRANCH,
                    parent=county.depts[0].committee, valid_from=D(2024, 1, 1))
    assert Person.objects.count() == count
    assert not Body.objects.filter(name="越权支部").exists()
    # Within the branch it works.
    person = person_create(actor=user, name="新党员", gender="F", unit=county.depts[0].unit,
                           branch=county.depts[0].branches[0])
    assert person.pk
