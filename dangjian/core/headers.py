"""Security headers on every response.

Content-Security-Policy (settings.CONTENT_SECURITY_POLICY): scripts only from our own static
files, no inline script, event-handler attribute or eval, so text that slipped past escaping
could not run; nothing may frame a page. The pages' behaviours live in static/dangjian/app.js.

Cache-Control: no-store on whatever a login stands in front of: every page seen by a logged-in
user, every API answer and every download (an attachment), so neither a shared proxy nor the
browser's disk cache keeps a person's data after they log out. Static files and the public
pages seen without a login keep their own caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def _behind_login(request: HttpRequest, response: HttpResponse) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    if request.path.startswith("/api/"):
        return True
    return response.get("Content-Disposition", "").startswith("attachment")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if not request.path.startswith(settings.STATIC_URL) and _behind_login(request, response):
            add_never_cache_headers(response)
        return response
