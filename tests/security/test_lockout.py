"""Login lockout per address and per name, and answers that never tell whether an account
exists: the attacks of the outside test, through the real login page."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.security.models import Kind, Outcome, SecurityEvent
from dangjian.testing import PASSWORD

ATTACKER = "203.0.113.66"
OTHER = "198.51.100.20"
VICTIMS = ["t_member", "t_org_secretary", "t_lg_secretary", "t_disc_member", "t_county"]


def _login(client, username, password, address=ATTACKER):
    return client.post(reverse("accounts:login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def _error(response) -> str:
    """The form's error as the page shows it."""
    errors = response.context["form"].non_field_errors()
    return " ".join(errors)


@pytest.mark.req("R0.4")
def test_spraying_five_accounts_from_one_address_blocks_the_address(county, client, settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_ADDRESS_MAX_FAILURES = 10
    answers = [_login(client, VICTIMS[i % 5], f"guess-{i}") for i in range(20)]
    assert all(r.status_code == 200 for r in answers)
    assert "暂停登录" in _error(answers[-1])
    # The accounts themselves are not locked (each met at most 4 wrong passwords) ...
    assert not User.objects.filter(username__in=VICTIMS, locked_until__isnull=False).exists()
    # ... but the address is: the right password from it is refused during the block,
    refused = _login(client, "t_member", PASSWORD)
    assert refused.status_code == 200 and "暂停登录" in _error(refused)
    assert "_auth_user_id" not in client.session
    # while the same account logs in from another address.
    assert _login(client, "t_member", PASSWORD, address=OTHER).status_code == 302
    block = SecurityEvent.objects.get(kind=Kind.ADDRESS_BLOCK)
    assert block.subject == ATTACKER and block.address == ATTACKER
    assert SecurityEvent.objects.filter(kind=Kind.LOGIN, outcome=Outcome.DENIED,
                                        address=ATTACKER).count() == 11  # 10 after + the right one


@pytest.mark.req("R0.4")
def test_the_block_holds_in_the_database_and_ends(county, client, settings):
    """Counted in the database: a fresh client (another worker's view) meets the same block;
    after the block time, the address may log in again."""
    settings.LOGIN_ADDRESS_MAX_FAILURES = 3
    settings.LOGIN_ADDRESS_BLOCK_MINUTES = 15
    for i in range(3):
        _login(client, VICTIMS[i], "wrong")
    from django.test import Client

    assert "暂停登录" in _error(_login(Client(), "t_member", PASSWORD))
    import time_machine

    with time_machine.travel(time.time() + 16 * 60):
        assert _login(Client(), "t_member", PASSWORD).status_code == 302


@pytest.mark.req("R0.4")
def test_administrator_unlocks_an_address(county, client, settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 3
    for i in range(3):
        _login(client, VICTIMS[i], "wrong")
    admin = county.user("wc_admin")
    client.force_login(admin)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert ATTACKER in page and "解除限制" in page
    response = client.post(reverse("accounts:address_unlock"), {"address": ATTACKER},
                           REMOTE_ADDR=OTHER)
    assert response.status_code == 302
    client.logout()
    assert _login(client, "t_member", PASSWORD).status_code == 302
    unlock = SecurityEvent.objects.get(kind=Kind.UNLOCK)
    assert (unlock.username, unlock.subject, unlock.address) == ("t_wc_admin", ATTACKER, OTHER)


@pytest.mark.req("R0.4")
def test_a_member_cannot_unlock_an_address(county, client, settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 3
    for i in range(3):
        _login(client, VICTIMS[i], "wrong")
    client.force_login(county.user("member"))
    assert client.post(reverse("accounts:address_unlock"),
                       {"address": ATTACKER}).status_code == 403
    client.logout()
    assert "暂停登录" in _error(_login(client, "t_member", PASSWORD))


@pytest.mark.req("R0.4")
def test_unknown_name_answers_exactly_as_a_real_account(county, client, settings):
    """Message, status and the lockout that follows are the same for a name with no account
    as for a real one with a wrong password, attempt by attempt."""
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_ADDRESS_MAX_FAILURES = 1000  # this test is about the names
    real, ghost = [], []
    for i in range(7):
        real.append(_login(client, "t_member", f"wrong-{i}", address=f"192.0.2.{i + 1}"))
        ghost.append(_login(client, "no_such_user", f"wrong-{i}", address=f"192.0.2.{i + 1}"))
    for r, g in zip(real, ghost, strict=True):
        assert r.status_code == g.status_code == 200
        assert _error(r) == _error(g)
    assert "用户名或密码不正确" in _error(real[0])
    assert "已被锁定" in _error(real[5]) and "已被锁定" in _error(ghost[5])
    # The right password of the locked real account is refused with that same answer.
    assert _error(_login(client, "t_member", PASSWORD, address="192.0.2.99")) == _error(ghost[6])


@pytest.mark.req("R0.4")
def test_unknown_name_is_hashed_like_a_real_one(county, client, settings):
    """Timing: the hasher runs for a name with no account too (no quick "no such user").
    Rounds alternate the two names, so a busy machine slows both alike; the fastest of each
    is compared (a quick refusal would be tens of times faster than PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    settings.LOGIN_ADDRESS_MAX_FAILURES = settings.LOGIN_MAX_FAILURES = 1000
    User.objects.filter(username="t_member").update(password=_pbkdf2(PASSWORD))

    def timed(username: str) -> float:
        start = time.perf_counter()
        _login(client, username, "wrong-password", address="192.0.2.50")
        return time.perf_counter() - start

    rounds = [(timed("t_member"), timed("no_such_user")) for _ in range(4)]
    real, ghost = min(r for r, _ in rounds), min(g for _, g in rounds)
    assert 1 / 3 < ghost / real < 3, rounds


def _pbkdf2(password: str) -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(password)
