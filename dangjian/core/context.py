"""What every page's layout needs: the menu for this user, the year, unread notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dangjian.core.menu import menu_for
from dangjian.core.years import selected_year


def layout(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from dangjian.cycles.models import Year

    return {
        "menu": menu_for(request),
        "selected_year": selected_year(request),
        "all_years": Year.objects.order_by("-year"),
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
    }
