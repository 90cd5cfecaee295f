"""Forms that create an append-only record are stored once: each rendered form carries a
one-time token (`{% form_once %}`), claimed in the same transaction as the record it creates.

    @once_per_form
    def record_add_view(request, pk):
        ...
        with submission(request) as once:
            record = services.record_add(...)
            once.lands_on(reverse("responsibility:record_detail", args=[record.pk]))

The browser fetches the page again on Back, which renders a new token: app.js keeps the token a
tab sent and puts it back into the same form on a Back/Forward visit.

A token already claimed (the browser's Back then 提交, a double click, two tabs at once) raises
`AlreadySubmitted`; the decorator turns it into a redirect to the first submission's page with a
message, and nothing is stored a second time. Two concurrent requests with one token meet at the
token's unique index: the second waits for the first to commit, then fails to insert and is sent
to the first's page. A failure inside the block (a ValidationError) rolls the claim back with
the record, so the corrected form can be sent again."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from dangjian.core.models import FormSubmission
from dangjian.core.redirects import same_site_path

if TYPE_CHECKING:
    from dangjian.accounts.models import User

FIELD = "form_once"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
DUPLICATE_MESSAGE = "该表单已经提交过，没有重复保存；这里是第一次提交的结果"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class AlreadySubmitted(Exception):
    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


class Claim:
    def __init__(self, row: FormSubmission | None, fallback: str) -> None:
        self.row = row
        self.target = fallback

    def lands_on(self, target: str) -> None:
        """Where a repeat of this submission is sent: the page of what it created."""
        self.target = target


def _first(token: str, user: User, fallback: str) -> AlreadySubmitted:
    row = FormSubmission.objects.filter(token=token).first()
    if row is None or row.user_id != user.pk:
        return AlreadySubmitted(fallback)
    return AlreadySubmitted(row.target or fallback)


@contextmanager
def submission(request: HttpRequest, *, fallback: str | None = None) -> Iterator[Claim]:
    """One transaction around the block: the token's claim, then what the block stores.
    A form sent without a token (a script, not a page of ours) is stored without the claim."""
    user: User = request.user  # type: ignore[assignment]  # views behind the login gate
    back = fallback or same_site_path(request.headers.get("Referer"), request) or "/"
    token = request.POST.get(FIELD, "")
    if not token:
        with transaction.atomic():
            yield Claim(None, back)
        return
    if not _TOKEN.fullmatch(token):
        raise ValidationError("表单已失效，请刷新页面后重新填写提交")
    if FormSubmission.objects.filter(token=token).exists():
        raise _first(token, user, back)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = FormSubmission.objects.create(token=token, user=user,
                                                    path=request.path[:300])
        except IntegrityError:  # the same token committed meanwhile by a concurrent request
            raise _first(token, user, back) from None
        claim = Claim(row, back)
        yield claim
        row.target = claim.target[:300]
        row.save(update_fields=["target"])


def once_per_form(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A repeated submission → the first one's page, with a message; nothing stored again."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AlreadySubmitted as dup:
            messages.info(request, DUPLICATE_MESSAGE)
            return redirect(same_site_path(dup.target, request) or "/")

    return wrapped
