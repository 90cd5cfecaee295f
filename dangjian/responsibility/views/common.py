"""Small parsing helpers shared by the module's views."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from dangjian.org.models import Body, Person
from dangjian.responsibility.services.common import unit_of
from dangjian.responsibility.services.records import Upload


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def show_errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


def uploads(request: HttpRequest, field: str = "files") -> list[Upload]:
    return [(f.name or "", f.read()) for f in request.FILES.getlist(field)]


def unit_people(body: Body) -> list[Person]:
    """Who may be named responsible: the organisation's department's staff in post."""
    unit = unit_of(body)
    if unit is None:
        return []
    return list(Person.objects.filter(unit=unit, left_on__isnull=True).order_by("name", "pk"))


def person_in(body: Body, value: str) -> Person | None:
    if not value.isdigit():
        return None
    unit = unit_of(body)
    return Person.objects.filter(pk=int(value), unit=unit).first() if unit else None
