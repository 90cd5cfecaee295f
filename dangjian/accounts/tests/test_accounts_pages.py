import pytest
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.org.models import Role, RoleAssignment
from dangjian.trail.models import TrailEntry


@pytest.mark.req("R0.4", "R0.7")
def test_admin_creates_account_and_grants_role(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    response = client.post(reverse("accounts:user_create"), {
        "username": "new_sec", "full_name": "新书记", "password": "Qz-7731-branch",
    })
    assert response.status_code == 302
    user = User.objects.get(username="new_sec")
    branch = county.depts[1].branches[0]
    client.post(reverse("accounts:user_detail", args=[user.pk]),
                {"role": Role.ORG_SECRETARY, "body": branch.pk, "recursive": "on"})
    assignment = RoleAssignment.objects.get(user=user)
    assert assignment.body == branch
    assert TrailEntry.objects.filter(action="grant", subject_id=str(assignment.pk)).exists()
    client.post(reverse("accounts:role_revoke", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.valid_to is not None
    assert TrailEntry.objects.filter(action="revoke", subject_id=str(assignment.pk)).exists()


@pytest.mark.req("R0.4")
def test_weak_password_refused_with_message(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    response = client.post(reverse("accounts:user_create"),
                           {"username": "weak", "full_name": "弱", "password": "12345678"},
                           follow=True)
    assert not User.objects.filter(username="weak").exists()
    assert "密码" in response.content.decode()


@pytest.mark.req("R0.4")
def test_only_account_managers_reach_account_pages(county, login):
    for role in (Role.DISCIPLINE_COMMISSION, Role.ORG_SECRETARY, Role.MEMBER):
        client = login(county.user(role))
        assert client.get(reverse("accounts:user_list")).status_code == 403
