from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from dangjian.duty_review.selectors import visible
from dangjian.org.scope import Perm


def errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def parse_date(value: str, field: str, label: str, *, required: bool = True) -> dt.date | None:
    if not value and not required:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: f"请填写有效的{label}（年-月-日）"}) from None


def get_visible_or_deny(user: Any, model: type[Model], pk: int,
                        perm: Perm = Perm.DUTY_VIEW, **related: Any) -> Any:
    """The record if the user may read it; 404 if it does not exist, 403 if out of scope."""
    qs = model._default_manager.all()
    if related.get("select"):
        qs = qs.select_related(*related["select"])
    obj = get_object_or_404(qs, pk=pk)
    if not visible(user, model._default_manager.filter(pk=pk), perm).exists():
        raise PermissionDenied("您无权访问该记录")
    return obj
