"""Trusted proxies: X-Forwarded-For and X-Forwarded-Proto count only from them.

TRUSTED_PROXIES (settings, from the environment) lists the addresses or networks of the
reverse proxies in front of the app. For a request whose direct peer (REMOTE_ADDR) is one:

- REMOTE_ADDR becomes the client's address: X-Forwarded-For read from the right, skipping
  trusted proxies, the first other address (all trusted: the leftmost). Every later reader
  (the security log, the API token trace) sees that address.
- X-Forwarded-Proto "https" marks the request secure (wsgi.url_scheme), so that the HTTPS
  redirect, HSTS and secure cookies work behind a TLS-terminating proxy.

From any other peer both headers are removed: a client cannot claim another address or
pretend to have come over HTTPS. The peer's own address stays in META["DANGJIAN_PEER_ADDR"].
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """"10.0.0.1", "10.1.0.0/16", "::1" -> networks; raises ValueError on a bad entry."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted(address: str, networks: tuple[Network, ...] | None = None) -> bool:
    ip = _ip(address)
    nets = trusted_networks() if networks is None else networks
    return ip is not None and any(ip in net for net in nets)


def forwarded_client(peer: str, forwarded_for: str,
                     networks: tuple[Network, ...] | None = None) -> str:
    """The client's address for a request from `peer` carrying `forwarded_for`."""
    nets = trusted_networks() if networks is None else networks
    if not is_trusted(peer, nets):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:  # garbage from the client side of a proxy: stop at the last good hop
            break
        if not any(ip in net for net in nets):
            return str(ip)
        peer = str(ip)
    return peer


class TrustedProxyMiddleware:
    """First in MIDDLEWARE: before SecurityMiddleware decides on HTTPS redirects."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        peer = str(meta.get("REMOTE_ADDR", ""))
        meta["DANGJIAN_PEER_ADDR"] = peer
        forwarded_for = meta.pop("HTTP_X_FORWARDED_FOR", None)
        proto = meta.pop("HTTP_X_FORWARDED_PROTO", None)
        if is_trusted(peer):
            if forwarded_for:
                meta["REMOTE_ADDR"] = forwarded_client(peer, str(forwarded_for))
            if proto is not None:
                # A proxy chain may list one scheme per hop: the first is the client's.
                scheme = str(proto).split(",")[0].strip().lower()
                meta["wsgi.url_scheme"] = "https" if scheme == "https" else "http"
        return self.get_response(request)
