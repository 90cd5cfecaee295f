"""Password changes and the second factor leave their trace in the security log (who, what,
outcome — never the password or the code), and the audit administrator's account is beyond the
pages' account administrator: no password reset, no second-factor reset, no unlock."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.org.models import Role
from dangjian.security.models import Kind, Outcome, SecurityEvent
from dangjian.testing import PASSWORD
from tests.security.test_second_factor import SETUP, VERIFY, _code, _enrol, _login

pytestmark = pytest.mark.req("R0.4")

NEW = "Qz7-lantern-ridge"


def _text(events) -> str:
    return " ".join(f"{e.username} {e.subject} {e.detail} {e.path}" for e in events)


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.OTP_REQUIRED_ROLES = ["wc_admin", "audit_admin"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 1


def test_a_password_change_is_logged_without_the_passwords(
        county, django_capture_on_commit_callbacks):
    member = county.user(Role.MEMBER)
    client = _login(member.username)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_change"),
                               {"current": PASSWORD, "new": NEW, "repeat": NEW})
    assert response.status_code == 302
    (event,) = SecurityEvent.objects.filter(kind=Kind.PASSWORD_CHANGE)
    assert event.user_id == member.pk and event.outcome == Outcome.SUCCESS
    assert event.path == reverse("accounts:password_change")
    every = _text(SecurityEvent.objects.all())
    assert NEW not in every and PASSWORD not in every


def test_the_second_factor_passes_and_failures_are_logged_without_the_codes(
        county, django_capture_on_commit_callbacks):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        device, codes = _enrol(_login(admin.username), admin)
        client = _login(admin.username)
        right = _code(device, 1)
        wrong = "000000" if right != "000000" else "111111"
        client.post(VERIFY, {"code": wrong})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(VERIFY, {"code": right})  # within the wait the failure imposes
    events = SecurityEvent.objects.filter(kind=Kind.SECOND_FACTOR, user_id=admin.pk)
    seen = {(e.outcome, e.detail) for e in events}
    assert seen == {(Outcome.SUCCESS, "启用动态口令，发放恢复码"),
                    (Outcome.FAILURE, "二次验证失败（动态口令错误或已用过）"),
                    (Outcome.DENIED, "尝试过于频繁，已拒绝")}
    every = _text(SecurityEvent.objects.all())
    assert right not in every and wrong not in every
    assert not any(code in every for code in codes)
    assert SETUP in every and VERIFY in every


def test_the_account_administrator_cannot_alter_the_auditors_account(
        county, settings, django_capture_on_commit_callbacks):
    settings.OTP_REQUIRED_ROLES = []  # the second factor's gate is not what is tried here
    auditor = county.user(Role.AUDIT_ADMIN)
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    client = Client()
    client.force_login(admin)
    User.objects.filter(pk=auditor.pk).update(failed_logins=9)
    before = User.objects.values().get(pk=auditor.pk)
    for name, data in [("accounts:user_password_reset", {"new": NEW}),
                       ("accounts:user_otp_reset", {}),
                       ("accounts:user_unlock", {})]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(name, args=[auditor.pk]), data)
        assert response.status_code == 403, name
        assert User.objects.values().get(pk=auditor.pk) == before, name
    denials = SecurityEvent.objects.filter(kind=Kind.PERMISSION_DENIED, user_id=admin.pk)
    assert denials.count() == 3
