from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}
NUL = "\x00"


def has_nul(value: Any) -> bool:
    """A NUL character anywhere in a value (PostgreSQL refuses to store one: a 500, not a 422)."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


class JsonOrFormParser(Parser):
    """JSON bodies, and also plain HTML form posts (htmx, a form's action pointing here).

    In forms and query strings an empty value counts as "not given" (a filter form sends
    `?kind=&body=3`), and the CSRF form field is not part of the data. A query-string or form
    value with a NUL character is a 422 on its field (a JSON body's: see schemas.In).
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type in FORM_TYPES:
            return {
                k: v for k, v in request.POST.items() if v != "" and k != "csrfmiddlewaretoken"
            }
        data: dict[str, Any] = super().parse_body(request)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        bad = [k for k, v in parsed.items() if has_nul(k) or has_nul(v)]
        if bad:
            raise ValidationError([
                {"type": "nul_character", "loc": ("query", k.replace(NUL, "")), "msg": ""}
                for k in bad
            ])
        return {k: v for k, v in parsed.items() if v != ""}
