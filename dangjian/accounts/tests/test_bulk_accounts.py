"""批量开通账号 (R0.4): a department's people at once, first passwords handed out on a list, each
account forced to change its password at the first login."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from dangjian.accounts.batch import users_bulk_create
from dangjian.accounts.models import User
from dangjian.org.models import Person, Role, RoleAssignment
from dangjian.trail.models import TrailEntry


def _without_account(body) -> list[Person]:
    return list(Person.objects.filter(unit=body, account__isnull=True).order_by("pk"))


@pytest.mark.req("R0.4")
def test_a_departments_accounts_come_as_an_xlsx_and_each_must_change_its_password(county):
    dept = county.depts[1]
    admin = Client()
    admin.force_login(county.user("wc_admin"))
    page = admin.get(reverse("accounts:users_bulk"), {"body": dept.unit.pk}).content.decode()
    people = _without_account(dept.unit)
    assert len(people) == 6 and all(p.name in page for p in people)
    traced = TrailEntry.objects.count()
    response = admin.post(reverse("accounts:users_bulk") + f"?body={dept.unit.pk}",
                          {"pk": [p.pk for p in people], "handout": "xlsx", "grant_member": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response[
        "Cache-Control"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "姓名", "所在单位", "所在党组织", "用户名", "初始密码")
    assert sorted(r[1] for r in rows[1:]) == sorted(p.name for p in people)
    assert all(r[6] == "首次登录须修改密码" for r in rows[1:])
    # One account, one 党员 grant on the person's branch, each traced.
    users = User.objects.filter(person__in=people)
    assert users.count() == 6 and all(u.must_change_password for u in users)
    grants = RoleAssignment.objects.filter(user__in=users, role=Role.MEMBER, recursive=False)
    assert {(g.user.person.branch_id, g.body_id) for g in grants} == {
        (p.branch_id, p.branch_id) for p in people}
    assert TrailEntry.objects.count() == traced + 12
    # A listed password logs in, and the account is held at the password change.
    username, password = rows[1][4], rows[1][5]
    person = Client()
    login = person.post(reverse("accounts:login"), {"username": username, "password": password})
    assert login.status_code == 302
    change = reverse("accounts:password_change")
    assert person.get("/")["Location"].startswith(change)
    assert person.post(change, {"current": password, "new": "Lu-Shan_river7",
                                "repeat": "Lu-Shan_river7"}).status_code == 302
    assert person.get("/").status_code == 200
    # The page now lists nobody left in the department.
    assert "都已有账号" in admin.get(reverse("accounts:users_bulk"),
                                   {"body": dept.unit.pk}).content.decode()


@pytest.mark.req("R0.4")
def test_the_printable_list_and_the_people_refused(county):
    dept = county.depts[0]
    people = _without_account(dept.unit)
    taken = people[0]
    first = users_bulk_create(actor=county.user("wc_admin"), people=[taken])
    assert len(first.done) == 1
    outcome = users_bulk_create(actor=county.user("wc_admin"), people=people)
    assert [p.pk for p, _ in outcome.done] == [p.pk for p in people[1:]]
    assert outcome.refused == [(taken, "已有账号")]
    # Out of scope: the branch secretary cannot make accounts at all.
    with pytest.raises(Exception, match="权限"):
        users_bulk_create(actor=county.user("org_secretary"), people=people)
    # The printable page: one slip per person with username and password, printed without
    # the site's menu (the print stylesheet).
    other = _without_account(county.depts[1].unit)[:2]
    admin = Client()
    admin.force_login(county.user("wc_admin"))
    page = admin.post(reverse("accounts:users_bulk"),
                      {"pk": [p.pk for p in other], "handout": "print"}).content.decode()
    assert page.count('class="slip"') == 2 and "首次登录后系统将要求您修改密码" in page
    assert "data-print" in page
    for p in other:
        assert User.objects.get(person=p).username in page
    assert not RoleAssignment.objects.filter(user__person__in=other).exists()  # not asked
