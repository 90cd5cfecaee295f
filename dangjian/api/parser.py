from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


class JsonOrFormParser(Parser):
    """JSON bodies, and also plain HTML form posts (htmx, a form's action pointing here).

    For forms, empty values count as "not given" and the CSRF form field is dropped.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type in FORM_TYPES:
            return {
                k: v for k, v in request.POST.items() if v != "" and k != "csrfmiddlewaretoken"
            }
        data: dict[str, Any] = super().parse_body(request)
        return data
