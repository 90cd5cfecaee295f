"""Where to send the browser after a form: only a path on this site, never one taken from
input as it stands. A `next=https://evil.example/` (or `//evil.example/`, `/\\evil.example`,
`javascript:…`) would otherwise send a user who trusted our page to another site."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from dangjian.core.text import control_char_problem


def same_site_path(target: str | None, request: HttpRequest) -> str | None:
    """`target` as a path on this site, or None. A relative path must start with one "/"
    (not "//" or "/\\"); an absolute URL counts only if it names this host (a Referer)."""
    if not target or control_char_problem(target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        if parts.scheme not in {"http", "https"} or parts.netloc != request.get_host():
            return None
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    if not target.startswith("/") or target.startswith("//"):
        return None
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=set()):
        return None
    return target


def next_path(request: HttpRequest, fallback: str = "/") -> str:
    """The form's `next` (POST, then GET) if it is a path on this site, else `fallback`."""
    given = request.POST.get("next") or request.GET.get("next")
    return same_site_path(given, request) or resolve_url(fallback)


def redirect_next(request: HttpRequest, fallback: str = "/") -> HttpResponseRedirect:
    return redirect(next_path(request, fallback))


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Back to the page the request came from (its Referer), if that is on this site."""
    return redirect(same_site_path(request.headers.get("Referer"), request)
                    or resolve_url(fallback))
