"""Lookups and small helpers shared by the module's API routers.

A record the user may not see answers exactly like one that does not exist (404), so the API
never reveals what lies outside a user's scope; a record the user sees but may not change is a
403 with the pages' own message."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from dangjian.cycles.models import Year
from dangjian.documents.xlsx import DOCX_TYPE, XLSX_TYPE
from dangjian.org.models import Body
from dangjian.org.scope import Perm, scope_filter
from dangjian.responsibility.filters import YearFilter
from dangjian.responsibility.models import (
    Case,
    CaseStep,
    Commendation,
    DutyRecord,
    Evaluation,
    LedgerItem,
    ResponsibilityList,
    SpotCheck,
    SpotCheckTarget,
)
from dangjian.responsibility.services.common import can_view_item, list_kind_for
from dangjian.responsibility.services.records import Upload


def year_of(request: HttpRequest, year: int | None) -> Year:
    """The year a request names (404 if unknown), else the one the user has selected."""
    return YearFilter(year=year).year_of(request, strict=True)


def visible(user: Any, model: Any, pk: int, *related: str) -> Any:
    obj = scope_filter(user, Perm.RESP_VIEW, model.objects.select_related(*related)) \
        .filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def owner_body_or_404(user: Any, pk: int) -> tuple[Body, str]:
    """An organisation that keeps a list, in the user's 两个责任 scope."""
    body = scope_filter(user, Perm.RESP_VIEW, Body.objects.select_related("parent")) \
        .filter(pk=pk).first()
    kind = list_kind_for(body) if body is not None else None
    if body is None or kind is None:
        raise Http404
    return body, kind


def list_or_404(user: Any, pk: int) -> ResponsibilityList:
    return visible(user, ResponsibilityList, pk, "body", "year")


def item_or_404(user: Any, pk: int) -> LedgerItem:
    """Visible to the organisation's readers and to the item's responsible person."""
    item = LedgerItem.objects.select_related("rlist__body", "rlist__year", "responsible") \
        .filter(pk=pk).first()
    if item is None or not can_view_item(user, item):
        raise Http404
    return item


def record_or_404(user: Any, pk: int) -> DutyRecord:
    record = DutyRecord.objects.select_related(
        "item__rlist__body", "item__rlist__year", "corrects").filter(pk=pk).first()
    if record is None:
        raise Http404
    visible_ = scope_filter(user, Perm.RESP_VIEW, DutyRecord.objects.filter(pk=pk)).exists()
    if not (visible_ or can_view_item(user, record.item)):
        raise Http404
    return record


def case_or_404(user: Any, pk: int) -> Case:
    return visible(user, Case, pk, "body", "year", "target")


def step_or_404(user: Any, pk: int) -> CaseStep:
    return visible(user, CaseStep, pk, "case__body")


def evaluation_or_404(user: Any, pk: int) -> Evaluation:
    return visible(user, Evaluation, pk, "body", "year")


def commendation_or_404(user: Any, pk: int) -> Commendation:
    return visible(user, Commendation, pk, "body", "year")


def spotcheck_or_404(user: Any, pk: int) -> SpotCheck:
    return visible(user, SpotCheck, pk, "year", "conductor")


def target_or_404(user: Any, pk: int) -> SpotCheckTarget:
    return visible(user, SpotCheckTarget, pk, "body", "spot_check")


def uploads(files: list[Any]) -> list[Upload]:
    return [(f.name, bytes(f.data)) for f in files]


def download(media_type: str, what: str) -> dict[str, Any]:
    """OpenAPI for a download: the file itself, as the page's download returns it."""
    return {"responses": {200: {
        "description": what,
        "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
    }}}


XLSX = XLSX_TYPE
DOCX = DOCX_TYPE
