"""Calling the 党建考核 API from tests: JSON in, the response back."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from dangjian.trail.models import TrailEntry


def call(client: Any, method: str, name: str, data: Any = None, **kwargs: Any) -> Any:
    """`name` is the operation's url_name without "api:"; GET data is the query string."""
    url = reverse(f"api:{name}", kwargs=kwargs or None)
    if method == "get":
        return client.get(url, data or {})
    return client.generic(method.upper(), url, json.dumps(data if data is not None else {}),
                          content_type="application/json")


def fields(response: Any) -> dict[str, str]:
    """A 422's field errors as {field: message}."""
    assert response.status_code == 422, response.content.decode()
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def traced() -> int:
    return TrailEntry.objects.count()
