"""Requests a page cannot take: a NUL character in the query string or a form.

PostgreSQL refuses to store or compare a string holding NUL ("\\x00"), so a page that passed one
to a filter or a service answered 500. No person types one; a page request holding one is
refused whole with a 400 and a Chinese message, before any view runs, so it changes nothing.
The API answers the same input itself, as a 422 naming the field (dangjian.api.parser).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict

NUL = "\x00"
MESSAGE = "请求中含有空字符（\\x00），无法处理。请检查输入后重试。"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _holds_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in data.lists())


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            bad = _holds_nul(request.GET) or NUL in request.path
            if not bad and request.method == "POST" and request.content_type in FORM_TYPES:
                bad = _holds_nul(request.POST)
            if bad:
                return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
