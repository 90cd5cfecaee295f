"""Request bodies over the size limit are refused before they are read.

Django by itself keeps reading an upload of any size (to a temporary file past 5 MB) and only
then lets the view see it; a view that reads the file (evidence, the Excel import) takes it
into memory whole. Here a request whose Content-Length is over `UPLOAD_MAX_BYTES` (or, for a
body that is not a multipart upload, over `DATA_UPLOAD_MAX_MEMORY_SIZE`) is answered 413 at
once, its body unread; a multipart body without a usable length is parsed by this middleware
before any view runs, and `LimitedUploadHandler` stops it as soon as its file parts pass the
limit. Either way the answer is a 413 with a Chinese message, and no view runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError

MULTIPART = "multipart/form-data"


def too_large_message(limit: int) -> str:
    return f"上传的内容过大：一次提交不能超过{limit / 1024 / 1024:g} MB，请压缩或分批上传。"


def _refusal(limit: int, status: int = 413, message: str = "") -> HttpResponse:
    response = HttpResponse(message or too_large_message(limit), status=status,
                            content_type="text/plain; charset=utf-8")
    response["Connection"] = "close"  # the unread body is not read to find the next request
    return response


class LimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: counts the file bytes of the request as they stream in
    and stops the upload at the limit (the handlers after it never see the rest)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int,
                         boundary: Any, encoding: str | None = None) -> None:
        if content_length > settings.UPLOAD_MAX_BYTES:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        if self.request is not None:
            self.request.upload_refused = True  # type: ignore[attr-defined]
        raise StopUpload(connection_reset=True)


class UploadLimitMiddleware:
    """Placed before anything that reads the body (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in {"POST", "PUT", "PATCH"}:
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.content_type == MULTIPART
        api = request.path.startswith("/api/")  # no uploads there: the API reads its body whole
        limit = (settings.UPLOAD_MAX_BYTES if multipart and not api
                 else settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if length > limit:
            return _refusal(limit)
        if not multipart or api:
            return None
        try:
            request.FILES  # noqa: B018 - parse now, through LimitedUploadHandler
        except RequestDataTooBig:
            return _refusal(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        except MultiPartParserError:
            return _refusal(limit, 400, "上传的内容格式有误，请重新选择文件后提交。")
        if getattr(request, "upload_refused", False):
            return _refusal(limit)
        return None
