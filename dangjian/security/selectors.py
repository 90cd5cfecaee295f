"""Reading the security log: one filter for the page and its export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from dangjian.org.scope import Perm, require_perm
from dangjian.security.models import Kind, Outcome, SecurityEvent


@dataclass(frozen=True)
class LogFilter:
    start: dt.date | None = None
    end: dt.date | None = None
    user: str = ""
    kind: str = ""
    outcome: str = ""

    @classmethod
    def from_query(cls, data: Any) -> tuple[LogFilter, list[str]]:
        """From a GET query; unreadable values are dropped, each with a Chinese message."""
        errors: list[str] = []

        def day(name: str, label: str) -> dt.date | None:
            value = str(data.get(name, "")).strip()
            if not value:
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                errors.append(f"{label}“{value[:20]}”不是有效日期（年-月-日）")
                return None

        kind = str(data.get("kind", ""))
        outcome = str(data.get("outcome", ""))
        if kind and kind not in Kind.values:
            errors.append("未知的事件类型")
            kind = ""
        if outcome and outcome not in Outcome.values:
            errors.append("未知的结果")
            outcome = ""
        return cls(start=day("start", "开始日期"), end=day("end", "结束日期"),
                   user=str(data.get("user", "")).strip()[:150], kind=kind,
                   outcome=outcome), errors


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def event_list(*, user: Any, filters: LogFilter) -> QuerySet[SecurityEvent]:
    """The log, newest first, for the audit administrator only."""
    require_perm(user, Perm.SECURITY_AUDIT)
    qs = SecurityEvent.objects.all()
    if filters.start:
        qs = qs.filter(at__gte=_midnight(filters.start))
    if filters.end:
        qs = qs.filter(at__lt=_midnight(filters.end + dt.timedelta(days=1)))
    if filters.user:
        qs = qs.filter(username__contains=filters.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    return qs.order_by("-at", "-pk")
