from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


class JsonOrFormParser(Parser):
    """JSON bodies, and also plain HTML form posts (htmx, a form's action pointing here).

    In forms and query strings an empty value counts as "not given" (a filter form sends
    `?kind=&body=3`), and the CSRF form field is not part of the data.
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
        return {k: v for k, v in parsed.items() if v != ""}
