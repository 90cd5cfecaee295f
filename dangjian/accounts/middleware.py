"""Idle session timeout and login-required, for every page."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse

# Paths reachable without logging in.
PUBLIC_PREFIXES = ("/accounts/login/", "/static/", "/healthz", "/api/openapi.json", "/api/docs",
                   "/b/")


class IdleTimeoutMiddleware:
    """Log out a session that has been idle longer than SESSION_IDLE_MINUTES."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - int(last) > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                request.session["timed_out"] = True
            elif last is None or now - int(last) >= 30:
                # Refreshed at most every 30 s: a page view need not always write the session.
                request.session["last_seen"] = now
        return self.get_response(request)


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "未登录或会话已过期"}, status=401)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
