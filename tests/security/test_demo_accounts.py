"""Demo accounts in production: `dangjian check --deploy` and `dangjian serve` refuse while any
account can log in with a published password; `demo-data` refuses a database holding anything
not the demo's, and writes nothing there. The demo itself (DANGJIAN_DEMO=1) keeps working."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.accounts.passwords import DEMO_PASSWORD
from dangjian.accounts.services import demo_user_create, user_create
from dangjian.testing import PASSWORD

pytestmark = [pytest.mark.req("R0.9"), pytest.mark.django_db(transaction=True),
              pytest.mark.real_clock]

GOOD = "Lu-Shan_river7"


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _production(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DANGJIAN_DEMO", "DEBUG"}}
    env.update({
        "DANGJIAN_HOME": str(tmp_path), "DATABASE_URL": _database_url(),
        **{name: secrets.token_urlsafe(50) for name in settings.KEYS},  # every key required
        "SECURE_COOKIES": "1", "DEBUG": "0", "DANGJIAN_FAST_HASHER": "1",
    }, **extra)
    return env


def _dangjian(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dangjian.runner", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_production_refuses_to_start_while_an_account_has_a_demo_password(tmp_path):
    demo = demo_user_create(username="gwadmin", password=DEMO_PASSWORD, full_name="演示")
    tester = user_create(actor=None, username="t_someone", password=PASSWORD, full_name="测")
    user_create(actor=None, username="realuser", password=GOOD, full_name="真实")
    env = _production(tmp_path)

    check = _dangjian(env, "check", "--deploy")
    assert check.returncode != 0
    out = check.stdout + check.stderr
    assert "dangjian.E002" in out and "gwadmin" in out and "t_someone" in out
    assert "realuser" not in out and DEMO_PASSWORD not in out and PASSWORD not in out
    serve = _dangjian(env, "serve", "--port", str(_free_port()))
    assert serve.returncode != 0 and "dangjian.E002" in serve.stderr + serve.stdout

    assert _dangjian({**env, "DANGJIAN_DEMO": "1"}, "check").returncode == 0  # the demo runs

    for user in (demo, tester):
        user.set_password(GOOD + user.username)
        user.save(update_fields=["password"])
    check = _dangjian(env, "check", "--deploy")
    assert check.returncode == 0, check.stdout + check.stderr
    vetted = dict(User.objects.values_list("username", "password_vetted"))
    assert all(len(v) == 64 for v in vetted.values())  # found clean: not hashed again

    demo.set_password(DEMO_PASSWORD)   # set back by any path: the hash changed, checked again
    demo.save(update_fields=["password"])
    assert "gwadmin" in _dangjian(env, "check", "--deploy").stderr


def test_an_inactive_or_unusable_account_does_not_block_start_up(tmp_path):
    demo = demo_user_create(username="gwadmin", password=DEMO_PASSWORD, full_name="演示")
    User.objects.filter(pk=demo.pk).update(is_active=False)
    other = demo_user_create(username="zbsj", password=DEMO_PASSWORD, full_name="演示")
    other.set_unusable_password()
    other.save(update_fields=["password"])
    check = _dangjian(_production(tmp_path), "check", "--deploy")
    assert check.returncode == 0, check.stdout + check.stderr


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.mark.parametrize("what", ["account", "year"])
def test_demo_data_refuses_a_database_with_other_data_and_writes_nothing(tmp_path, what):
    if what == "account":
        user_create(actor=None, username="realuser", password=GOOD, full_name="真实")
    else:
        from dangjian.cycles.services import year_ensure

        year_ensure(year=2031)
    before = _row_counts()
    env = {**_production(tmp_path), "DANGJIAN_DEMO": "1"}
    refused = _dangjian(env, "demo-data", "--seed", "2")
    assert refused.returncode != 0 and "不是演示数据" in refused.stderr, refused.stderr
    quiet = _dangjian(env, "demo-data", "--if-empty")
    assert quiet.returncode == 0 and "未创建演示数据" in quiet.stdout
    assert _row_counts() == before


def test_demo_accounts_skip_must_change_in_demo_mode_and_the_login_page_says_so(settings):
    demo = demo_user_create(username="gwadmin", password=DEMO_PASSWORD, full_name="演示")
    User.objects.filter(pk=demo.pk).update(must_change_password=True)
    settings.DEMO = True
    page = Client().get(reverse("accounts:login")).content.decode()
    assert "演示模式" in page and "双因素认证" in page
    client = Client()
    client.post(reverse("accounts:login"), {"username": "gwadmin", "password": DEMO_PASSWORD})
    assert client.get("/").status_code == 200
    change = client.post(reverse("accounts:password_change"), {
        "current": DEMO_PASSWORD, "new": "Dangjian@2024", "repeat": "Dangjian@2024"})
    assert change.status_code == 400 and "演示密码" in change.content.decode()  # the policy
    settings.DEMO = False
    assert "演示模式" not in Client().get(reverse("accounts:login")).content.decode()
    assert client.get("/")["Location"].startswith(reverse("accounts:password_change"))
