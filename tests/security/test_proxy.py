"""X-Forwarded-For and X-Forwarded-Proto are believed only from TRUSTED_PROXIES."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangjian.core.proxy import forwarded_client, parse_networks
from dangjian.security.models import Kind, Outcome, SecurityEvent
from dangjian.testing import PASSWORD

PROXY = "10.0.0.5"
FORGED = "1.2.3.4"


def _login(client, password, **headers):
    return client.post(reverse("accounts:login"),
                       {"username": "t_member", "password": password}, **headers)


def _last_login() -> SecurityEvent:
    return SecurityEvent.objects.filter(kind=Kind.LOGIN).latest("pk")


@pytest.mark.req("R0.4")
def test_forged_forwarded_for_from_an_untrusted_peer_is_ignored(county, client, settings):
    settings.TRUSTED_PROXIES = []
    _login(client, "wrong", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=FORGED)
    event = _last_login()
    assert (event.outcome, event.address) == (Outcome.FAILURE, "203.0.113.9")


@pytest.mark.req("R0.4")
def test_forged_forwarded_for_cannot_escape_the_address_block(county, client, settings):
    """An attacker rotating X-Forwarded-For is still counted at its own address."""
    settings.TRUSTED_PROXIES = [PROXY]
    settings.LOGIN_ADDRESS_MAX_FAILURES = 5
    for i in range(5):
        _login(client, "wrong", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}")
    response = _login(client, PASSWORD, REMOTE_ADDR="203.0.113.9",
                      HTTP_X_FORWARDED_FOR="1.2.3.200")
    assert response.status_code == 200 and "暂停登录" in response.content.decode()


@pytest.mark.req("R0.4")
def test_forwarded_for_from_a_trusted_proxy_is_the_client(county, client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    response = _login(client, PASSWORD, REMOTE_ADDR=PROXY,
                      HTTP_X_FORWARDED_FOR=f"{FORGED}, 198.51.100.7")
    assert response.status_code == 302
    # The rightmost address the proxy did not add itself: what the proxy saw connect.
    assert _last_login().address == "198.51.100.7"
    assert (_last_login().outcome, _last_login().username) == (Outcome.SUCCESS, "t_member")


@pytest.mark.req("R0.4")
def test_forwarded_proto_only_from_a_trusted_proxy(county, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = [PROXY]
    # From a client: the header is ignored, plain HTTP is redirected to HTTPS.
    forged = client.get(reverse("accounts:login"), REMOTE_ADDR="203.0.113.9",
                        HTTP_X_FORWARDED_PROTO="https")
    assert forged.status_code == 301 and forged["Location"].startswith("https://")
    # From the proxy: the request came over HTTPS, no redirect; cookies may be secure.
    trusted = client.get(reverse("accounts:login"), REMOTE_ADDR=PROXY,
                         HTTP_X_FORWARDED_PROTO="https")
    assert trusted.status_code == 200
    assert trusted.wsgi_request.is_secure()


def test_forwarded_client_walks_past_trusted_hops():
    nets = parse_networks(["10.0.0.0/8", "192.168.1.1"])
    assert forwarded_client("10.0.0.5", "1.1.1.1, 192.168.1.1", nets) == "1.1.1.1"
    assert forwarded_client("10.0.0.5", "10.1.1.1, 10.2.2.2", nets) == "10.1.1.1"
    assert forwarded_client("10.0.0.5", "garbage, 8.8.8.8", nets) == "8.8.8.8"
    assert forwarded_client("10.0.0.5", "8.8.8.8, garbage", nets) == "10.0.0.5"
    assert forwarded_client("8.8.4.4", "1.1.1.1", nets) == "8.8.4.4"
    assert forwarded_client("10.0.0.5", "2001:db8::1", nets) == "2001:db8::1"
