import time

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.org.models import Role
from dangjian.testing import PASSWORD
from dangjian.trail.models import TrailEntry


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.mark.req("R0.4")
def test_login_then_workbench(county, client):
    response = _login(client, "t_wc_admin", PASSWORD)
    assert response.status_code == 302
    assert "我的工作台" in client.get("/").content.decode()


@pytest.mark.req("R0.4")
def test_logged_out_visit_leads_to_login(db, client):
    response = client.get(reverse("org:person_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get("/api/me").status_code == 401


@pytest.mark.req("R0.4")
def test_lockout_after_five_failures(county, client, settings):
    settings.LOGIN_MAX_FAILURES = 5
    for _ in range(5):
        response = _login(client, "t_member", "wrong-password")
        assert "用户名或密码不正确" in response.content.decode()
    # Now even the right password is refused, with a Chinese message saying why.
    response = _login(client, "t_member", PASSWORD)
    assert response.status_code == 200
    assert "已被锁定" in response.content.decode()
    assert TrailEntry.objects.filter(action="login_locked", subject_label="测试党员").exists()
    county.user(Role.MEMBER).refresh_from_db()
    assert county.user(Role.MEMBER).locked_until is not None


@pytest.mark.req("R0.4")
def test_lockout_threshold_is_configurable(county, client, settings):
    settings.LOGIN_MAX_FAILURES = 2
    _login(client, "t_member", "x")
    _login(client, "t_member", "x")
    assert "已被锁定" in _login(client, "t_member", PASSWORD).content.decode()


@pytest.mark.req("R0.4")
def test_success_resets_failure_count(county, client):
    for _ in range(4):
        _login(client, "t_member", "wrong")
    assert _login(client, "t_member", PASSWORD).status_code == 302
    user = county.user(Role.MEMBER)
    user.refresh_from_db()
    assert user.failed_logins == 0


@pytest.mark.req("R0.4")
def test_idle_session_times_out(county, client, settings, monkeypatch):
    settings.SESSION_IDLE_MINUTES = 30
    assert _login(client, "t_wc_admin", PASSWORD).status_code == 302
    assert client.get("/").status_code == 200
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 60)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "长时间未操作" in client.get(response["Location"]).content.decode()


@pytest.mark.req("R0.4")
def test_activity_within_timeout_keeps_session(county, client, settings, monkeypatch):
    settings.SESSION_IDLE_MINUTES = 30
    _login(client, "t_wc_admin", PASSWORD)
    real = time.time
    for minutes in (20, 40, 60):  # each visit within 30 minutes of the last one
        monkeypatch.setattr(time, "time", lambda m=minutes: real() + m * 60)
        assert client.get("/").status_code == 200


@pytest.mark.req("R0.4")
def test_csrf_required_on_forms(county):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"),
                           {"username": "t_wc_admin", "password": PASSWORD})
    assert response.status_code == 403
    client.force_login(county.user(Role.WORK_COMMITTEE_ADMIN))
    response = client.post(reverse("core:years"), {"year": "2031"})
    assert response.status_code == 403
    from dangjian.cycles.models import Year

    assert not Year.objects.filter(year=2031).exists()


@pytest.mark.req("R0.4")
def test_passwords_hashed_with_argon2_in_production_settings():
    from django.conf import settings as real

    import dangjian.settings as s

    assert s.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert real.CSRF_COOKIE_HTTPONLY is False  # htmx reads the token from the page, not cookie
