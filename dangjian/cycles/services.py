from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.cycles.models import Window, Year


def year_current() -> Year:
    """The current year; created for today's year if none is marked."""
    year = Year.objects.filter(is_current=True).first()
    if year is None:
        year = year_ensure(year=timezone.localdate().year, make_current=True)
    return year


@transaction.atomic
def year_ensure(*, year: int, make_current: bool = False) -> Year:
    previous = Year.objects.filter(year=year - 1).first()
    obj, _ = Year.objects.get_or_create(
        year=year, defaults={"title": f"{year}年度", "previous": previous}
    )
    nxt = Year.objects.filter(year=year + 1, previous__isnull=True).first()
    if nxt is not None:
        nxt.previous = obj
        nxt.save(update_fields=["previous"])
    if make_current and not obj.is_current:
        Year.objects.filter(is_current=True).update(is_current=False)
        obj.is_current = True
        obj.save(update_fields=["is_current"])
    return obj


def window_check_open(window: Window, at: dt.datetime | None = None) -> None:
    """Raise a ValidationError saying when the window opens or closed, if it is not open now."""
    at = at or timezone.now()
    local = timezone.localtime
    if at < window.opens_at:
        raise ValidationError(
            f"“{window.title}”尚未开始，将于{local(window.opens_at):%Y-%m-%d %H:%M}开放"
        )
    if at >= window.closes_at:
        raise ValidationError(
            f"“{window.title}”已于{local(window.closes_at):%Y-%m-%d %H:%M}截止，不再接受报送"
        )


def window_set(*, year: Year, key: str, title: str, opens_at: Any, closes_at: Any) -> Window:
    if closes_at <= opens_at:
        raise ValidationError("截止时间必须晚于开始时间")
    window, _ = Window.objects.update_or_create(
        year=year, key=key, defaults={"title": title, "opens_at": opens_at, "closes_at": closes_at}
    )
    return window
