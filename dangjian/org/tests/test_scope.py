import pytest

from dangjian.org.models import Body, Person, Role
from dangjian.org.scope import Perm, scope_filter


@pytest.mark.req("R0.4")
def test_branch_secretary_sees_only_their_branch(county):
    user = county.user(Role.ORG_SECRETARY)
    people = scope_filter(user, Perm.ORG_VIEW, Person.objects.all())
    branch = county.depts[0].branches[0]
    assert set(people) == set(Person.objects.filter(branch=branch))
    assert len(people) == 3


@pytest.mark.req("R0.4")
def test_leading_group_secretary_sees_their_department(county):
    user = county.user(Role.LEADING_GROUP_SECRETARY)
    people = scope_filter(user, Perm.ORG_VIEW, Person.objects.all())
    assert set(people) == set(county.depts[0].people)
    bodies = scope_filter(user, Perm.ORG_VIEW, Body.objects.all())
    assert county.depts[1].unit not in bodies
    assert county.depts[0].branches[1] in bodies


@pytest.mark.req("R0.4", "R6.1")
def test_discipline_commission_reads_county_wide_but_cannot_edit(county):
    user = county.user(Role.DISCIPLINE_COMMISSION)
    assert scope_filter(user, Perm.ORG_VIEW, Person.objects.all()).count() == Person.objects.count()
    assert not scope_filter(user, Perm.ORG_EDIT, Person.objects.all()).exists()


@pytest.mark.req("R0.4")
def test_member_sees_only_themselves(county):
    user = county.user(Role.MEMBER)
    assert list(scope_filter(user, Perm.ORG_VIEW, Person.objects.all())) == [user.person]
