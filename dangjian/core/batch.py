"""Acting on many records at once through the one-record service (batch approval, bulk create).

Each record goes through the same service as when it is handled alone, in its own transaction:
the same checks, the same trail rows. A record the service refuses is listed with its reason and
the others still go, because the records are independent of each other (one report that was
withdrawn meanwhile must not hold up ninety-four others). Checks that concern the whole batch
(nothing selected, no opinion) are made by the caller before any record is touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

T = TypeVar("T")
R = TypeVar("R")

MAX_BATCH = 500


@dataclass
class BatchOutcome(Generic[T, R]):
    done: list[tuple[T, R]] = field(default_factory=list)
    refused: list[tuple[T, str]] = field(default_factory=list)


def reason_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "无权办理"


def run_each(items: Iterable[T], act: Callable[[T], R]) -> BatchOutcome[T, R]:
    """`act` on each item; refusals (ValidationError, PermissionDenied) kept with their reason."""
    outcome: BatchOutcome[T, R] = BatchOutcome()
    for item in items:
        try:
            outcome.done.append((item, act(item)))
        except (ValidationError, PermissionDenied) as exc:
            outcome.refused.append((item, reason_of(exc)))
    return outcome


def selected_ids(values: Iterable[str]) -> list[int]:
    """The ticked rows' ids from a form (`name="pk"` checkboxes), in order, once each."""
    out: list[int] = []
    for value in values:
        if not value.isdigit():
            raise ValidationError("所选记录无效，请刷新页面后重新选择")
        pk = int(value)
        if pk not in out:
            out.append(pk)
    if not out:
        raise ValidationError("请先勾选要办理的记录")
    if len(out) > MAX_BATCH:
        raise ValidationError(f"一次最多办理{MAX_BATCH}条")
    return out


def report_outcome(request: HttpRequest, outcome: BatchOutcome[T, R], *, verb: str,
                   label: Callable[[T], str]) -> None:
    """The page's messages: how many went, and each refused one with its reason."""
    if outcome.done:
        messages.success(request, f"已{verb}{len(outcome.done)}份")
    for item, reason in outcome.refused:
        messages.error(request, f"{label(item)}：未{verb}，{reason}")
