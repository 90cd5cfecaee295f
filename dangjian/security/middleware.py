"""One point that logs every refused request, and the request services log against.

The scope gate raises PermissionDenied in many places; Django (pages) and the API's handler
(dangjian/api/errors.py) each turn it into a 403. Here, around both, any 403 answer is one
security-log line with the reason the gate gave. The request is also kept for the duration
(events.current_request), so a service's record() knows the address without being passed it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from dangjian.security.events import current_request, record
from dangjian.security.models import Kind, Outcome

REASON_ATTR = "_dangjian_denied"


class SecurityLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                reason = getattr(request, REASON_ATTR, "") or (
                    "API 拒绝访问" if request.path.startswith("/api/") else "拒绝访问（403）")
                record(Kind.PERMISSION_DENIED, outcome=Outcome.DENIED, request=request,
                       subject=request.path[:200], detail=reason)
            return response
        finally:
            current_request.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            setattr(request, REASON_ATTR, str(exception) or "您没有此项权限")
        return None
