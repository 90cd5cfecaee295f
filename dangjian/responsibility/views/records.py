"""履责纪实 pages: an item's records and the form to add one (phone-friendly), one record with
its evidence and chain entry, and 'my items' for responsible persons."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dangjian.core.http import AuthedRequest
from dangjian.core.once import once_per_form, submission
from dangjian.core.years import selected_year
from dangjian.evidence.services import evidence_for
from dangjian.org.scope import Perm, allows, require_perm
from dangjian.responsibility import selectors, services
from dangjian.responsibility.models import RECORDABLE, DutyRecord, LedgerItem
from dangjian.responsibility.services.common import can_record, can_view_item, grace_days
from dangjian.responsibility.services.records import (
    SUBJECT_TYPE,
    record_attachments,
    record_content,
)
from dangjian.responsibility.views.common import parse_date, show_errors, uploads
from dangjian.trail.models import TrailEntry


def _item(request: AuthedRequest, pk: int) -> LedgerItem:
    item = get_object_or_404(LedgerItem.objects.select_related(
        "rlist__body", "rlist__year", "responsible"), pk=pk)
    if not can_view_item(request.user, item):
        raise PermissionDenied("您无权查看该台账事项")
    return item


def item_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    progress = item.progress
    page = Paginator(item.records.select_related("corrects").prefetch_related("corrections")
                     .order_by("-chain_seq"), 50).get_page(request.GET.get("page"))
    records = list(page.object_list)
    files = record_attachments(records)
    today = timezone.localdate()
    return render(request, "responsibility/item_detail.html", {
        "item": item, "rlist": item.rlist, "progress": progress,
        "state": selectors.item_state(item.deadline, progress, today),
        "rows": [(r, files.get(r.pk, [])) for r in records], "page": page,
        "can_record": can_record(request.user, item) and item.rlist.status in RECORDABLE,
        "today": today, "grace": grace_days(),
        "correct": request.GET.get("correct", ""),
    })


@require_POST
@once_per_form
def record_add_view(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if not can_record(request.user, item):
        raise PermissionDenied("您无权为该事项记录履责纪实")
    corrects_id = request.POST.get("corrects", "")
    corrects = (DutyRecord.objects.filter(pk=int(corrects_id), item=item).first()
                if corrects_id.isdigit() else None)
    try:
        if corrects_id and corrects is None:
            raise ValidationError("要更正的记录不属于该事项")
        with submission(request) as once:
            record = services.record_add(
                actor=request.user, item=item, summary=request.POST.get("summary", ""),
                occurred_on=parse_date(request.POST.get("occurred_on")),
                progress=request.POST.get("progress", ""), files=uploads(request),
                corrects=corrects)
            once.lands_on(reverse("responsibility:record_detail", args=[record.pk]))
    except ValidationError as exc:
        show_errors(request, exc)
        return redirect("responsibility:item_detail", pk=item.pk)
    messages.success(request, f"已记录履责纪实（留痕第{record.chain_seq}条）")
    return redirect("responsibility:record_detail", pk=record.pk)


def record_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(DutyRecord.objects.select_related(
        "item__rlist__body", "item__rlist__year", "corrects"), pk=pk)
    if not (allows(request.user, Perm.RESP_VIEW, record)
            or can_view_item(request.user, record.item)):
        raise PermissionDenied("您无权查看该纪实记录")
    entry = TrailEntry.objects.filter(chain=record.chain, seq=record.chain_seq).first()
    attachments = list(evidence_for(record))
    matches = entry is not None and entry.subject_type == SUBJECT_TYPE and (
        (entry.after or {}).get("记录") == record_content(record, attachments))
    return render(request, "responsibility/record_detail.html", {
        "record": record, "item": record.item, "entry": entry, "matches": matches,
        "attachments": attachments, "corrections": record.corrections.all(),
    })


def my_items(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.SELF_VIEW)
    year = selected_year(request)
    today = timezone.localdate()
    items = [(i, selectors.item_state(i.deadline, i.progress, today))
             for i in selectors.my_items(user=request.user, year=year)]
    return render(request, "responsibility/my_items.html", {"rows": items, "year": year})
