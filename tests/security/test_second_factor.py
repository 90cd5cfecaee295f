"""The second factor: an administrator's password alone opens nothing; a TOTP code works once;
wrong codes make the next try wait (counted in the database); recovery codes work once and are
not stored as typed; tokens are made only in a session that passed it; a stolen password cannot
enrol a new authenticator over the owner's."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangjian.accounts.models import ApiToken
from dangjian.org.models import Role
from dangjian.testing import PASSWORD

pytestmark = pytest.mark.req("R0.4")

SETUP, VERIFY = "/accounts/otp/setup/", "/accounts/otp/verify/"


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.OTP_REQUIRED_ROLES = ["wc_admin", "audit_admin"]
    settings.OTP_FOR_TOKENS = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 1


def _login(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username,
                                                       "password": PASSWORD})
    assert response.status_code == 302
    return client


def _code(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def _enrol(client: Client, user) -> tuple[TOTPDevice, list[str]]:
    page = client.get(SETUP).content.decode()
    assert "<svg" in page
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    import base64

    typed = secret.replace(" ", "")
    assert base64.b32decode(typed + "=" * (-len(typed) % 8)) == device.bin_key
    response = client.post(SETUP, {"code": _code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>",
                       response.content.decode())
    device.refresh_from_db()
    assert device.confirmed and len(codes) == 10
    return device, codes


def _next_code(device: TOTPDevice) -> str:
    """A code the enrolment's did not use: the next step's (within the device's tolerance)."""
    return _code(device, 1)


def test_an_administrators_password_alone_opens_no_page_until_enrolled(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    client = _login(admin.username)
    for path in ("/", reverse("accounts:user_list"), reverse("accounts:password_change")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), path
    api = client.get("/api/me")
    assert api.status_code == 403 and "双因素" in api.json()["detail"]
    _enrol(client, admin)
    assert client.get(reverse("accounts:user_list")).status_code == 200
    assert client.get("/api/me").status_code == 200


def test_the_next_login_needs_a_code_and_a_code_works_once(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    device, _ = _enrol(_login(admin.username), admin)
    client = _login(admin.username)
    assert client.get("/")["Location"].startswith(VERIFY)
    assert client.get("/api/me").status_code == 403
    code = _next_code(device)
    assert client.post(VERIFY, {"code": code, "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200

    replay = _login(admin.username)  # the same code again, within its 30 seconds
    response = replay.post(VERIFY, {"code": code})
    assert response.status_code == 400 and "已使用过" in response.content.decode()
    assert replay.get("/")["Location"].startswith(VERIFY)


def test_wrong_codes_make_the_next_try_wait_counted_in_the_database(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    device, _ = _enrol(_login(admin.username), admin)
    right = _next_code(device)
    wrong = "000000" if right != "000000" else "111111"
    client = _login(admin.username)
    assert "验证码不正确" in client.post(VERIFY, {"code": wrong}).content.decode()
    time.sleep(1.1)
    assert "验证码不正确" in client.post(VERIFY, {"code": wrong}).content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 2
    response = client.post(VERIFY, {"code": right})  # right, but within the 2 s wait
    assert response.status_code == 400 and "秒后再试" in response.content.decode()
    assert client.get("/")["Location"].startswith(VERIFY)
    another = _login(admin.username)  # a new session waits as well: the count is the device's
    assert "秒后再试" in another.post(VERIFY, {"code": right}).content.decode()
    time.sleep(2.1)
    assert client.post(VERIFY, {"code": right}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_works_once_and_is_not_stored_as_typed(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    _, codes = _enrol(_login(admin.username), admin)
    stored = set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)
    client = _login(admin.username)
    assert client.post(VERIFY, {"code": codes[3].upper()}).status_code == 302
    assert client.get("/").status_code == 200
    again = _login(admin.username)
    assert "恢复码不正确或已使用过" in again.post(VERIFY, {"code": codes[3]}).content.decode()
    assert StaticToken.objects.filter(device__user=admin).count() == 9


def test_a_stolen_password_cannot_enrol_over_the_owners_authenticator(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    device, _ = _enrol(_login(admin.username), admin)
    thief = _login(admin.username)
    response = thief.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    thief.post(SETUP, {"code": "123456"})
    assert list(TOTPDevice.objects.filter(user=admin).values_list("pk", "confirmed")) == [
        (device.pk, True)]
    assert thief.post(reverse("accounts:otp_manage")).status_code == 302  # no new codes either


def test_a_token_is_made_only_in_a_session_that_passed_the_second_factor(county):
    member = county.user(Role.MEMBER)  # not a role that requires it
    client = _login(member.username)
    response = client.post(reverse("accounts:token_list"), {"name": "同步"})
    assert "双因素认证" in response.content.decode()
    assert not ApiToken.objects.filter(user=member).exists()
    _enrol(client, member)                        # optional for members: they may enrol
    client.post(reverse("accounts:token_list"), {"name": "同步"})
    assert ApiToken.objects.filter(user=member, name="同步").count() == 1
    later = _login(member.username)               # enrolled: their next login needs it too
    assert later.get("/")["Location"].startswith(VERIFY)


def test_the_administrator_resets_a_lost_authenticator(county):
    admin, member = county.user(Role.WORK_COMMITTEE_ADMIN), county.user(Role.MEMBER)
    admin_client = _login(admin.username)
    _enrol(admin_client, admin)
    _enrol(_login(member.username), member)
    response = admin_client.post(reverse("accounts:user_otp_reset", args=[member.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not StaticToken.objects.filter(device__user=member).exists()
    assert _login(member.username).get("/").status_code == 200  # optional again, not enrolled


def test_demo_accounts_are_exempt_in_demo_mode_only(county, settings):
    from dangjian.accounts.services import demo_user_create, role_grant

    demo = demo_user_create(username="gwadmin", password=PASSWORD, full_name="演示管理员")
    role_grant(actor=None, user=demo, role=Role.WORK_COMMITTEE_ADMIN, body=county.root,
               check_scope=False)
    settings.DEMO = True
    assert _login("gwadmin").get("/").status_code == 200
    settings.DEMO = False
    assert _login("gwadmin").get("/")["Location"].startswith(SETUP)


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_with_one_code_let_one_in(county):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL; SQLite serialises writers (test above covers it)")
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    device, _ = _enrol(_login(admin.username), admin)
    clients = [_login(admin.username) for _ in range(4)]
    code, statuses = _next_code(device), []
    barrier = threading.Barrier(len(clients))

    def attempt(client: Client) -> None:
        barrier.wait()
        try:
            statuses.append(client.post(VERIFY, {"code": code}).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [302, 400, 400, 400], statuses
