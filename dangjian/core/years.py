from __future__ import annotations

from django.http import HttpRequest

from dangjian.cycles.models import Year
from dangjian.cycles.services import year_current


def selected_year(request: HttpRequest) -> Year:
    """The year the user is looking at: chosen in the switcher, else the current year."""
    cached: Year | None = getattr(request, "_selected_year", None)
    if cached is not None:
        return cached
    year_id = request.session.get("year_id")
    year = Year.objects.filter(pk=year_id).first() if year_id else None
    year = year or year_current()
    request._selected_year = year  # type: ignore[attr-defined]  # per-request cache
    return year
