"""Every error the API returns is JSON with a Chinese message; bad input is never a 500.

Shapes:  {"detail": "说明"}                                  401, 403, 404, 400
         {"detail": [{"field": "name", "message": "说明"}]}   422
A field of "__all__" means the request as a whole.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from dangjian.security.middleware import REASON_ATTR as DENIED_REASON

NOT_FOUND = "记录不存在或不在您的权限范围内"
FORBIDDEN = "您没有此项权限"

# ninja's own English messages, as the user should read them.
_HTTP_MESSAGES = {
    "Unauthorized": "未登录或会话已过期",
    "CSRF check Failed": "CSRF 校验失败：请携带 X-CSRFToken 请求头（值为 csrftoken Cookie）",
    "Cannot parse request body": "请求体无法解析：请提交 JSON 对象或表单",
    "Forbidden": FORBIDDEN,
}


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "此项为必填项"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "日期格式应为 YYYY-MM-DD"
    if kind.startswith("int") or kind == "float_parsing":
        return "应为整数"
    if kind.startswith("bool"):
        return "应为 true 或 false"
    if kind in {"enum", "literal_error"}:
        expected = str(ctx.get("expected", "")).replace(" or ", ", ").replace("'", "")
        return f"不是有效的选项（可选：{expected.replace(', ', '、')}）"
    if kind == "string_too_long":
        return f"不能超过{ctx.get('max_length')}个字符"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "string_type":
        return "应为文本"
    if kind == "greater_than_equal":
        return f"不能小于{ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"不能大于{ctx.get('le')}"
    if kind in {"model_attributes_type", "dict_type", "model_type"}:
        return "请求体应为 JSON 对象"
    if kind == "extra_forbidden":
        return "不支持此字段"
    if kind == "nul_character":
        return "不能包含空字符（\\x00）"
    return "输入有误"


_FIELD_PART = re.compile(r"^\w+$")


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    """("body", "data", "unit") -> "unit"; ("query", "limit") -> "limit".

    Drops the source, the body parameter's name and pydantic's union tags ("str-enum[...]").
    """
    parts = list(loc[1:])
    if parts and parts[0] in {"data", "filters", "pagination"}:
        parts = parts[1:]
    kept = [str(p) for p in parts if isinstance(p, int) or _FIELD_PART.match(str(p))]
    return ".".join(kept) or NON_FIELD_ERRORS


def field_errors(items: list[tuple[str, str]]) -> list[dict[str, str]]:
    """One entry per field (the first message), in order."""
    seen: dict[str, str] = {}
    for field, message in items:
        seen.setdefault(field, message)
    return [{"field": f, "message": m} for f, m in seen.items()]


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, detail: Any, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": detail}, status=status)

    @api.exception_handler(NinjaValidationError)
    def schema_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        items = [(_field(e.get("loc", ())), _pydantic_message(e)) for e in exc.errors]
        return respond(request, field_errors(items), 422)

    @api.exception_handler(DjangoValidationError)
    def service_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            items = [(f, m) for f, ms in exc.message_dict.items() for m in ms]
        else:
            items = [(NON_FIELD_ERRORS, m) for m in exc.messages]
        return respond(request, field_errors(items), 422)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        setattr(request, DENIED_REASON, str(exc) or FORBIDDEN)  # for the security log
        return respond(request, str(exc) or FORBIDDEN, 403)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        message = str(exc)
        return respond(request, message if message.startswith("所选") else NOT_FOUND, 404)

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return respond(request, NOT_FOUND, 404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = _HTTP_MESSAGES.get(exc.message.split(" (")[0], exc.message)
        if isinstance(exc, AuthenticationError) and exc.message.isascii():
            message = _HTTP_MESSAGES["Unauthorized"]  # ninja's English; a token's own stays
        return respond(request, message, exc.status_code)
