"""批量开通账号: choose a department or branch, tick its people, get the first-password list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from dangjian.accounts.batch import Issued, people_without_account, users_bulk_create
from dangjian.core.batch import selected_ids
from dangjian.documents.xlsx import dated, download, workbook_bytes
from dangjian.org.models import PARTY_ORG_KINDS, UNIT_KINDS, Body, Person
from dangjian.org.scope import Perm, bodies, require_perm, scope_filter
from dangjian.org.tree import in_tree_order, tree_options

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["序号", "姓名", "所在单位", "所在党组织", "用户名", "初始密码", "说明"]
NOTE = "首次登录须修改密码"


def _places(request: HttpRequest) -> list[Body]:
    scope = bodies(request.user, Perm.ACCOUNT_MANAGE).filter(
        valid_to__isnull=True, kind__in=UNIT_KINDS | PARTY_ORG_KINDS)
    return in_tree_order(scope)


def _people(request: HttpRequest, body: Body) -> list[Person]:
    qs = scope_filter(request.user, Perm.ACCOUNT_MANAGE, Person.objects.all())
    qs = people_without_account(qs.filter(
        Q(unit__path__startswith=body.path) | Q(branch__path__startswith=body.path)))
    return list(qs.select_related("unit", "branch").order_by("branch__path", "pk"))


def _rows(issued: list[Issued]) -> list[list[str | int]]:
    return [[i, x.person.name, x.person.unit.name, x.person.branch.name if x.person.branch else "",
             x.user.username, x.password, NOTE] for i, x in enumerate(issued, 1)]


@never_cache
@require_http_methods(["GET", "POST"])
def users_bulk(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.ACCOUNT_MANAGE)
    places = _places(request)
    chosen = next((b for b in places if str(b.pk) == request.GET.get("body", "")), None)
    options = tree_options(places)
    if request.method == "POST":
        try:
            ids = selected_ids(request.POST.getlist("pk"))
            people = list(scope_filter(request.user, Perm.ACCOUNT_MANAGE,
                                       Person.objects.filter(pk__in=ids)))
            if len(people) != len(ids):
                raise ValidationError("所选人员有的不在您的管理范围内，请刷新页面后重新选择")
            outcome = users_bulk_create(actor=request.user, people=people,
                                        grant_member=request.POST.get("grant_member") == "1")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            for person, reason in outcome.refused:
                messages.error(request, f"{person.name}：未开通，{reason}")
            issued = [x for _, x in outcome.done]
            if issued and request.POST.get("handout") == "xlsx":
                data = workbook_bytes([("初始密码", HEADERS, _rows(issued))])
                return download(data, dated("账号初始密码", "xlsx"), XLSX)
            if issued:
                login_url = request.build_absolute_uri(reverse("accounts:login"))
                return render(request, "accounts/users_handout.html", {
                    "issued": issued, "login_url": login_url, "today": timezone.localdate()})
    return render(request, "accounts/users_bulk.html", {
        "places": options, "chosen": chosen,
        "people": _people(request, chosen) if chosen else []})
