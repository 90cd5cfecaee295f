from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.http import AuthedRequest
from dangjian.core.redirects import redirect_back
from dangjian.core.replica import replica_status
from dangjian.cycles.models import Year
from dangjian.cycles.services import year_ensure
from dangjian.notify.board import workbench_items
from dangjian.notify.services import task_urgency
from dangjian.org.scope import Perm, require_perm


def workbench(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    tasks = [(t, task_urgency(t, now)) for t in workbench_items(user=request.user)]
    person = getattr(request.user, "person", None)
    return render(request, "core/workbench.html", {
        "tasks": tasks,
        "overdue": sum(1 for _, u in tasks if u == "overdue"),
        "soon": sum(1 for _, u in tasks if u == "soon"),
        "person": person,
        "recent": request.user.notifications.all()[:5],
    })


def notifications(request: AuthedRequest) -> HttpResponse:
    items = list(request.user.notifications.all()[:100])
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "core/notifications.html", {"items": items})


@require_POST
def year_switch(request: HttpRequest) -> HttpResponse:
    year_id = request.POST.get("year", "")
    year = Year.objects.filter(pk=int(year_id)).first() if year_id.isdigit() else None
    if year is None:
        messages.error(request, "所选年度不存在")
    else:
        request.session["year_id"] = year.pk
    return redirect_back(request, "core:workbench")


def years(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.ORG_STRUCTURE)
    if request.method == "POST":
        try:
            value = int(request.POST.get("year", ""))
            if not 2000 <= value <= 2100:
                raise ValueError
        except ValueError:
            messages.error(request, "请输入2000至2100之间的年份")
        else:
            try:
                year_ensure(year=value, make_current=bool(request.POST.get("make_current")))
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, f"已设置{value}年度")
        return redirect("core:years")
    return render(request, "core/years.html", {"years": Year.objects.order_by("-year")})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    body: dict[str, object] = {"status": "ok", "database": connection.vendor}
    state = replica_status()
    if state is not None:  # a replica that is down degrades list pages to the primary, no more
        body["replica"] = state.as_json()
    return JsonResponse(body)
