"""Idle session timeout and login-required, for every page; the trace of API token uses."""

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


def _bearer_api_call(request: HttpRequest) -> bool:
    """An API request carrying a token: the API itself decides who it is (api/auth.py)."""
    return (request.path.startswith("/api/")
            and request.headers.get("Authorization", "")[:7].lower() == "bearer ")


class LoginRequiredMiddleware:
    """Anonymous requests go to the login page (the API's: a 401), except public paths and
    API calls with a token; after an API call with a token, its use is traced."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            if _bearer_api_call(request):
                return self._traced(request, self.get_response(request))
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "未登录或会话已过期"}, status=401)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        response = self.get_response(request)
        return self._traced(request, response) if _bearer_api_call(request) else response

    @staticmethod
    def _traced(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        from dangjian.accounts.services import token_use_record

        token = getattr(request, "api_token", None)
        if token is not None:
            token_use_record(token=token, method=request.method or "", path=request.path,
                             status=response.status_code,
                             client=request.META.get("REMOTE_ADDR"))
        return response
