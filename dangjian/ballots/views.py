"""Ballot pages: the chair's (logged in, scoped) and the rater's (public, by one-time code)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import parse_qsl

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from dangjian.ballots import rules, selectors
from dangjian.ballots.models import Box, BoxStatus
from dangjian.ballots.schemas import BoxFilter
from dangjian.ballots.services import (
    BallotRefused,
    box_close,
    box_open,
    codes_issue,
    codes_void_unused,
    format_code,
    sheet_submit,
)
from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.core.http import AuthedRequest
from dangjian.org.scope import Perm, require, require_perm


def _box(request: AuthedRequest, pk: int) -> Box:
    box = get_object_or_404(Box.objects.select_related("owner_body"), pk=pk)
    require(request.user, Perm.BALLOT_MANAGE, box)
    return box


def box_list(request: AuthedRequest) -> HttpResponse:
    require_perm(request.user, Perm.BALLOT_MANAGE)
    filters = BoxFilter.from_query(request.GET)
    return render(request, "ballots/box_list.html", {
        "boxes": filters.queryset(request.user)[:200], "filters": filters,
        "statuses": BoxStatus.choices,
    })


def box_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    box = _box(request, pk)
    return render(request, "ballots/box_detail.html", {
        "box": box, "candidates": box.candidates.all(), "audit": selectors.audit(box),
        "rule_text": rules.describe(box.rule),
    })


def box_count(request: AuthedRequest, pk: int) -> HttpResponse:
    """The live count for the chair: ballots received, never results (polled by htmx)."""
    box = _box(request, pk)
    return render(request, "ballots/_count.html", {"box": box, "audit": selectors.audit(box)})


def _apply(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    box = _box(request, pk)
    try:
        if action == "open":
            box_open(actor=request.user, box=box)
            messages.success(request, "测评已开始")
        elif action == "close":
            box_close(actor=request.user, box=box)
            messages.success(request, "测评已结束，结果已生成")
            return redirect("ballots:result", pk=box.pk)
        elif action == "void":
            n = codes_void_unused(actor=request.user, box=box)
            messages.success(request, f"已作废{n}个未使用的票码")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("ballots:box_detail", pk=box.pk)


@require_POST
def box_open_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _apply(request, pk, "open")


@require_POST
def box_close_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _apply(request, pk, "close")


@require_POST
def codes_void_view(request: AuthedRequest, pk: int) -> HttpResponse:
    return _apply(request, pk, "void")


@require_POST
@never_cache
def codes_issue_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Issue codes and show the printable slip sheet — the only time the codes exist in clear."""
    box = _box(request, pk)
    raw = request.POST.get("count", "")
    try:
        count = int(raw)
        codes = codes_issue(actor=request.user, box=box, count=count)
    except ValueError:
        messages.error(request, "请输入发放数量（整数）")
        return redirect("ballots:box_detail", pk=box.pk)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("ballots:box_detail", pk=box.pk)
    base = request.build_absolute_uri(reverse("vote:rater_form", args=[box.token]))
    slips = [{
        "code": format_code(c),
        # segno writes the SVG itself from our own URL: nothing user-supplied is in it.
        "qr": mark_safe(segno.make(f"{base}#{c}", error="m").svg_inline(scale=3)),
    } for c in codes]
    response = render(request, "ballots/code_sheet.html", {"box": box, "slips": slips,
                                                           "url": base})
    return response


def result(request: AuthedRequest, pk: int) -> HttpResponse:
    box = _box(request, pk)
    if box.status != BoxStatus.CLOSED:
        messages.info(request, "测评结束后才能查看结果")
        return redirect("ballots:box_detail", pk=box.pk)
    return render(request, "ballots/result.html", {
        "box": box, "results": selectors.tally(box), "audit": selectors.audit(box),
        "rule_text": rules.describe(box.rule), "grades": [Grade(g).label for g in GRADE_ORDER],
    })


# The rater's side: no login; the one-time code is the credential, so the form needs no CSRF
# token (a forged request would need the code itself) and phones need no cookie.


def _rater_context(box: Box, **extra: object) -> dict[str, object]:
    return {"box": box, "candidates": list(box.candidates.all()),
            "grades": [(g, Grade(g).label) for g in GRADE_ORDER], **extra}


_RECEIPT_SLOT = "\x00receipt\x00"


@functools.lru_cache(maxsize=256)
def _receipt_page(token: str, box_title: str) -> tuple[str, str]:
    """The receipt page of a box, rendered once (a standalone page: no menu, no session) and
    split where the receipt goes; on the hot path only the receipt (ALPHABET letters, nothing
    to escape) is put in."""
    page = render_to_string("ballots/receipt.html", {
        "token": token, "box_title": box_title, "receipt": _RECEIPT_SLOT})
    before, _, after = page.partition(_RECEIPT_SLOT)
    return before, after


def _sheet_form(request: HttpRequest) -> dict[str, str]:
    """The rater's form, parsed straight from the body: a sheet is ~40 fields, and building a
    QueryDict for them cost a fifth of the request. The upload limits still apply (`body`
    enforces DATA_UPLOAD_MAX_MEMORY_SIZE; the field count is capped like QueryDict's)."""
    if request.content_type != "application/x-www-form-urlencoded":
        return {key: str(value) for key, value in request.POST.items()}
    try:
        pairs = parse_qsl(request.body.decode(request.encoding or "utf-8"),
                          keep_blank_values=True,
                          max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    except (UnicodeDecodeError, ValueError):
        return {}
    return dict(pairs)


@functools.lru_cache(maxsize=1024)
def _box_id(token: str) -> int:
    """The id of the box with this public token (a box's token never changes, so it is looked
    up once per process; an unknown token is not remembered)."""
    found = Box.objects.filter(token=token).values_list("pk", flat=True).first()
    if found is None:
        raise Http404("测评不存在")
    return found


def _as_nobody(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A rater's request writes nothing but the ballot, whoever is signed in on the phone: the
    page is rendered as for nobody (no menu, year or notifications, whose layout may write a
    row), and the session is not saved (its refreshed idle time would be a row written beside
    the ballot, with the rater's account in it)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        request.user = AnonymousUser()
        try:
            return view(request, *args, **kwargs)
        finally:
            session = getattr(request, "session", None)
            if session is not None:
                session.modified = False

    return wrapped


@never_cache
@csrf_exempt
@_as_nobody
def rater_form(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        box = get_object_or_404(Box, token=token)
        return render(request, "ballots/rater_form.html", _rater_context(box))
    pk = _box_id(token)
    form = _sheet_form(request)
    grades = {key[2:]: value for key, value in form.items() if key.startswith("c_")}
    code = form.get("code", "")
    try:
        done = sheet_submit(box_id=pk, code=code, grades=grades)
    except BallotRefused as exc:
        box = get_object_or_404(Box, pk=pk)
        status = 409 if exc.kind == "used" else 400
        return render(request, "ballots/rater_form.html",
                      _rater_context(box, error=exc.message, chosen=grades, code=code),
                      status=status)
    before, after = _receipt_page(token, done.box_title)
    return HttpResponse(before + done.receipt + after)


@_as_nobody
def receipts(request: HttpRequest, token: str) -> HttpResponse:
    box = get_object_or_404(Box, token=token)
    listed = selectors.receipts(box) if box.status == BoxStatus.CLOSED else []
    return render(request, "ballots/receipts.html", {"box": box, "receipts": listed,
                                                     "audit": selectors.audit(box)})
