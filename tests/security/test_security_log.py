"""The security log: every login, logout, lockout, account and role change and denial is
recorded (who, from where, when, what, outcome); append-only in the model and the database;
kept at least 180 days; read only by the audit administrator, whom the system administrator
can neither be, nor make, nor unmake; and no secret in any line of it."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.accounts.models import User
from dangjian.accounts.services import role_grant, role_revoke, user_create
from dangjian.org.models import Person, Role, RoleAssignment
from dangjian.security.models import Kind, Outcome, SecurityEvent
from dangjian.security.services import log_prune
from dangjian.testing import PASSWORD

ADDRESS = "192.0.2.10"
NEW_PASSWORD = "Brand-new-pass-7731"


def _login(client, username, password, address=ADDRESS):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


@pytest.fixture
def county(county):
    """The test county, and from here only the events of the test itself."""
    county.first_event = (SecurityEvent.objects.order_by("-pk").values_list("pk", flat=True)
                          .first() or 0)
    return county


_FIRST: dict[str, int] = {}


def _events(**filters):
    return list(SecurityEvent.objects.filter(pk__gt=_FIRST.get("pk", 0), **filters)
                .order_by("pk"))


@pytest.fixture(autouse=True)
def _from_here(request):
    _FIRST["pk"] = 0
    if "county" in request.fixturenames:
        _FIRST["pk"] = request.getfixturevalue("county").first_event


@pytest.mark.req("R0.4")
def test_logins_logouts_and_lockouts_are_recorded(county, client, settings):
    settings.LOGIN_MAX_FAILURES = 3
    before = timezone.now()
    assert _login(client, "t_wc_admin", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"), REMOTE_ADDR=ADDRESS)
    _login(client, "nobody_here", "x")
    for _ in range(3):
        _login(client, "t_member", "wrong")
    _login(client, "t_member", PASSWORD)
    rows = [(e.kind, e.outcome, e.username, e.address) for e in _events()]
    assert rows == [
        (Kind.LOGIN, Outcome.SUCCESS, "t_wc_admin", ADDRESS),
        (Kind.LOGOUT, Outcome.SUCCESS, "t_wc_admin", ADDRESS),
        (Kind.LOGIN, Outcome.FAILURE, "nobody_here", ADDRESS),
        (Kind.LOGIN, Outcome.FAILURE, "t_member", ADDRESS),
        (Kind.LOGIN, Outcome.FAILURE, "t_member", ADDRESS),
        (Kind.LOGIN, Outcome.FAILURE, "t_member", ADDRESS),
        (Kind.LOCKOUT, Outcome.DENIED, "t_member", ADDRESS),
        (Kind.LOGIN, Outcome.DENIED, "t_member", ADDRESS),
    ]
    member = county.user("member")
    assert all(e.user_id == member.pk for e in _events(username="t_member"))
    assert _events(username="nobody_here")[0].user_id is None
    assert all(e.at >= before and e.path == "/accounts/login/" for e in _events(kind="login"))


@pytest.mark.req("R0.4")
def test_account_role_and_token_changes_are_recorded(county, client):
    admin = county.user("wc_admin")
    client.force_login(admin)
    client.post(reverse("accounts:user_create"), {
        "username": "new_clerk", "full_name": "新文员", "password": NEW_PASSWORD,
    }, REMOTE_ADDR=ADDRESS)
    clerk = User.objects.get(username="new_clerk")
    client.post(reverse("accounts:user_detail", kwargs={"pk": clerk.pk}), {
        "role": Role.ORG_SECRETARY, "body": county.depts[0].branches[0].pk, "recursive": "on",
    }, REMOTE_ADDR=ADDRESS)
    grant = RoleAssignment.objects.get(user=clerk)
    client.post(reverse("accounts:role_revoke", kwargs={"pk": grant.pk}), REMOTE_ADDR=ADDRESS)
    User.objects.filter(pk=clerk.pk).update(locked_until=timezone.now() + dt.timedelta(hours=1))
    client.post(reverse("accounts:user_unlock", kwargs={"pk": clerk.pk}), REMOTE_ADDR=ADDRESS)
    client.post(reverse("accounts:token_list"), {"name": "同步"}, REMOTE_ADDR=ADDRESS)
    token = admin.api_tokens.get()
    client.post(reverse("accounts:token_revoke", kwargs={"pk": token.pk}), REMOTE_ADDR=ADDRESS)
    rows = [(e.kind, e.username, e.subject, e.address) for e in _events()
            if e.kind != Kind.LOGIN]
    assert rows == [
        (Kind.ACCOUNT_CHANGE, "t_wc_admin", "new_clerk", ADDRESS),
        (Kind.ROLE_CHANGE, "t_wc_admin", "new_clerk", ADDRESS),
        (Kind.ROLE_CHANGE, "t_wc_admin", "new_clerk", ADDRESS),
        (Kind.UNLOCK, "t_wc_admin", "new_clerk", ADDRESS),
        (Kind.TOKEN_CHANGE, "t_wc_admin", "t_wc_admin", ADDRESS),
        (Kind.TOKEN_CHANGE, "t_wc_admin", "t_wc_admin", ADDRESS),
    ]
    details = [e.detail for e in _events(kind=Kind.ROLE_CHANGE)]
    assert details[0].startswith("授予“党组织书记”") and details[1].startswith("撤销“党组织书记”")


@pytest.mark.req("R0.4")
def test_permission_denials_are_recorded_once_for_pages_and_the_api(county, client):
    client.force_login(county.user("member"))
    assert client.get(reverse("accounts:user_list"), REMOTE_ADDR=ADDRESS).status_code == 403
    api = client.post(reverse("api:body_create"), data=json.dumps({"name": "x"}),
                      content_type="application/json", REMOTE_ADDR=ADDRESS)
    assert api.status_code == 403
    denied = _events(kind=Kind.PERMISSION_DENIED)
    assert [(e.username, e.outcome, e.method, e.path, e.address) for e in denied] == [
        ("t_member", Outcome.DENIED, "GET", "/accounts/users/", ADDRESS),
        ("t_member", Outcome.DENIED, "POST", reverse("api:body_create"), ADDRESS),
    ]
    assert denied[0].detail == "您没有此项权限"
    assert denied[1].detail == api.json()["detail"]


@pytest.mark.req("R0.4")
def test_model_and_queryset_refuse_change_and_delete(county, client):
    _login(client, "t_member", "wrong")
    event = _events()[0]
    event.detail = "改写"
    with pytest.raises(ValueError, match="只可追加"):
        event.save()
    with pytest.raises(ValueError, match="只可追加"):
        event.delete()
    with pytest.raises(ValueError, match="只可追加"):
        SecurityEvent.objects.filter(pk=event.pk).update(detail="改写")
    with pytest.raises(ValueError, match="只可追加"):
        SecurityEvent.objects.filter(pk=event.pk).delete()
    assert _events()[0].detail == "用户名或密码不正确"


@pytest.mark.req("R0.4")
def test_the_database_refuses_an_update_in_sql(county, client):
    _login(client, "t_member", "wrong")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE security_securityevent SET username = 'someone_else'")
    assert {e.username for e in _events()} == {"t_member"}


@pytest.mark.req("R0.4")
@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="SQLite keeps only the UPDATE guard (its test harness deletes rows)")
def test_postgresql_refuses_deleting_a_recent_entry_in_sql(county, client):
    _login(client, "t_member", "wrong")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM security_securityevent")
    assert len(_events()) == 1


@pytest.mark.req("R0.4")
def test_prune_deletes_only_entries_past_the_retention(county, client, settings):
    settings.SECURITY_LOG_RETENTION_DAYS = 180
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=181), tick=False):
        _login(client, "t_member", "old-1")
    with time_machine.travel(now - dt.timedelta(days=179), tick=False):
        _login(client, "t_member", "young-1")
    _login(client, "t_member", "today-1")
    out = io.StringIO()
    call_command("prune_security_log", stdout=out)
    assert "1条" in out.getvalue()
    left = _events(kind=Kind.LOGIN)
    assert [e.at.date() for e in left] == [(now - dt.timedelta(days=179)).date(), now.date()]
    prune = SecurityEvent.objects.get(kind=Kind.LOG_PRUNE)
    assert "删除180天前" in prune.detail and prune.username.startswith("服务器命令")


@pytest.mark.req("R0.4")
def test_retention_below_180_days_is_refused(county, client, settings):
    _login(client, "t_member", "x")
    with pytest.raises(CommandError, match="至少保存180天"):
        call_command("prune_security_log", "--days", "30")
    settings.SECURITY_LOG_RETENTION_DAYS = 90
    with pytest.raises(ValidationError):
        log_prune(now=timezone.now() + dt.timedelta(days=400))
    from django.core.checks import run_checks

    assert "dangjian.E101" in {m.id for m in run_checks()}
    assert len(_events(kind=Kind.LOGIN)) == 1


# The audit administrator --------------------------------------------------------------------


def _auditor(county):
    return county.user("audit_admin")


@pytest.mark.req("R0.4")
def test_only_the_audit_administrator_reads_the_log(county, client):
    _login(client, "t_member", "wrong")
    for role in ["wc_admin", "discipline", "member"]:
        client.force_login(county.user(role))
        assert client.get(reverse("security:log")).status_code == 403
        assert client.get(reverse("security:log_export")).status_code == 403
    client.force_login(_auditor(county))
    page = client.get(reverse("security:log"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "t_member" in text and "越权访问被拒绝" in text  # the others' refusals are there
    assert "安全日志" in client.get("/").content.decode()  # in the menu


@pytest.mark.req("R0.4")
def test_log_filters_and_export(county, client):
    _login(client, "t_member", "wrong")
    _login(client, "t_member", PASSWORD, address="192.0.2.11")
    _login(client, "=HYPERLINK(\"http://evil\")", "x")
    client.force_login(_auditor(county))
    today = timezone.localdate().isoformat()
    page = client.get(reverse("security:log"), {"user": "t_member", "outcome": "failure",
                                                "kind": "login", "start": today, "end": today})
    assert [e.address for e in page.context["page"]] == [ADDRESS]
    assert client.get(reverse("security:log"), {"start": "2026-13-40"}).context["errors"]
    old = client.get(reverse("security:log"), {"end": "2000-01-01"})
    assert list(old.context["page"]) == []
    export = client.get(reverse("security:log_export"), {"kind": "login"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4  # the three attempts and the auditor's own login
    usernames = {r[3] for r in rows}
    assert "'=HYPERLINK(\"http://evil\")" in usernames  # text, never a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert SecurityEvent.objects.filter(kind=Kind.LOG_EXPORT, username="t_audit_admin").exists()


@pytest.mark.req("R0.4")
def test_system_administrator_cannot_make_or_unmake_an_auditor(county, client):
    admin, auditor = county.user("wc_admin"), _auditor(county)
    client.force_login(admin)
    member = county.user("member")
    response = client.post(reverse("accounts:user_detail", kwargs={"pk": member.pk}), {
        "role": Role.AUDIT_ADMIN, "body": county.root.pk, "recursive": "on"}, follow=True)
    assert not RoleAssignment.objects.filter(user=member, role=Role.AUDIT_ADMIN).exists()
    assert response.status_code == 200
    with pytest.raises(ValidationError, match="grant-auditor"):
        role_grant(actor=admin, user=member, role=Role.AUDIT_ADMIN, body=county.root)
    with pytest.raises(ValidationError, match="不能兼任"):
        role_grant(actor=admin, user=auditor, role=Role.WORK_COMMITTEE_ADMIN, body=county.root)
    grant = auditor.role_assignments.get()
    with pytest.raises(ValidationError, match="revoke-auditor"):
        role_revoke(actor=admin, assignment=grant)
    client.post(reverse("accounts:role_revoke", kwargs={"pk": grant.pk}))
    grant.refresh_from_db()
    assert grant.valid_to is None
    assert set(auditor.role_assignments.values_list("role", flat=True)) == {Role.AUDIT_ADMIN}


@pytest.mark.req("R0.4")
def test_grant_auditor_command_creates_a_logged_auditor(county, client):
    out = io.StringIO()
    call_command("grant_auditor", "shenji2", "--full-name", "审计员乙",
                 stdin=io.StringIO(NEW_PASSWORD + "\n"), stdout=out)
    user = User.objects.get(username="shenji2")
    assert set(user.role_assignments.values_list("role", flat=True)) == {Role.AUDIT_ADMIN}
    event = _events(kind=Kind.AUDITOR_CHANGE)[-1]
    assert event.subject == "shenji2" and event.username.startswith("服务器命令")
    assert _login(client, "shenji2", NEW_PASSWORD).status_code == 302
    assert client.get(reverse("security:log")).status_code == 200
    with pytest.raises(CommandError, match="已被使用"):  # an existing account: refused
        call_command("grant_auditor", "t_wc_admin", stdin=io.StringIO(NEW_PASSWORD + "\n"))
    call_command("revoke_auditor", "shenji2", stdout=out)
    assert client.get(reverse("security:log")).status_code == 403


@pytest.mark.req("R0.4")
def test_no_secret_in_any_log_line(county, client, caplog, settings):
    """Drive every kind of event with passwords, a token, ID numbers in a query; then search
    every stored column and every line logged."""
    settings.LOGIN_MAX_FAILURES = 2
    caplog.set_level(logging.DEBUG)
    ids = [i for i in Person.objects.values_list("id_number", flat=True) if i][:5]
    assert ids
    _login(client, "t_member", "Wrong-secret-1")
    _login(client, "t_member", "Wrong-secret-2")
    _login(client, "t_wc_admin", PASSWORD)
    client.post(reverse("accounts:user_create"), {
        "username": "clerk2", "full_name": "文员", "password": NEW_PASSWORD})
    response = client.post(reverse("accounts:token_list"), {"name": "同步"})
    secret = response.context["secret"]
    client.force_login(county.user("member"))
    client.get(reverse("accounts:user_list"), {"q": ids[0]})
    client.get(reverse("org:person_list"), {"q": ids[1]})
    user_create(actor=None, username="clerk3", password=NEW_PASSWORD + "x", full_name="文员",
                check_scope=False)
    secrets = [PASSWORD, NEW_PASSWORD, "Wrong-secret-1", "Wrong-secret-2", secret, *ids]
    stored = " ".join(json.dumps(list(e.values()), default=str)
                      for e in SecurityEvent.objects.values())
    lines = caplog.text
    assert SecurityEvent.objects.count() >= 8 and "security kind=" in lines
    for value in secrets:
        assert value not in stored and value not in lines
