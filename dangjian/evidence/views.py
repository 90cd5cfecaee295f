"""Upload, download and remove evidence; every call passes the scope gate for its record."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from dangjian.core.redirects import redirect_next
from dangjian.evidence.models import Attachment
from dangjian.evidence.registry import ATTACHABLE, ReadCheck, WriteCheck
from dangjian.evidence.services import evidence_attach, evidence_remove
from dangjian.evidence.thumbs import is_image, thumbnail
from dangjian.org.scope import Perm, require


def _perms_for(model: type[models.Model]) -> tuple[ReadCheck, WriteCheck]:
    for label, read, write in ATTACHABLE.values():
        if apps.get_model(label) is model:
            return read, write
    raise Http404


def _require_write(user: object, check: WriteCheck, record: models.Model) -> None:
    if isinstance(check, Perm):
        require(user, check, record)
    elif not check(user, record):
        raise PermissionDenied("您无权为该记录上传或移除材料")


def _require_read(user: object, check: ReadCheck, record: models.Model) -> None:
    """Whoever may read the record may read its evidence (the record's page says who)."""
    if isinstance(check, Perm):
        require(user, check, record)
    elif not check(user, record):
        raise PermissionDenied("您无权访问该记录")


@require_POST
def upload(request: HttpRequest, model: str, object_id: int) -> HttpResponse:
    if model not in ATTACHABLE:
        raise Http404
    label, read, write = ATTACHABLE[model]
    record = get_object_or_404(apps.get_model(label), pk=object_id)
    _require_read(request.user, read, record)
    _require_write(request.user, write, record)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件")
    else:
        try:
            evidence_attach(actor=request.user, record=record, name=upload.name or "",
                            data=upload.read(), note=request.POST.get("note", "")[:200])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已上传“{upload.name}”")
    return redirect_next(request)


def _attachment_in_scope(request: HttpRequest, pk: int, write: bool) -> Attachment:
    attachment = get_object_or_404(Attachment, pk=pk, removed_at__isnull=True)
    record = attachment.record
    if record is None:
        raise Http404
    read_check, write_check = _perms_for(type(record))
    _require_read(request.user, read_check, record)
    if write:
        _require_write(request.user, write_check, record)
    return attachment


def download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _attachment_in_scope(request, pk, write=False)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.mime,
                            as_attachment=True, filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def view(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """An image shown in the page's preview (inline); other types are downloaded."""
    attachment = _attachment_in_scope(request, pk, write=False)
    if not is_image(attachment):
        return download(request, pk)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.mime,
                            as_attachment=False, filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return response


def thumb(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment_in_scope(request, pk, write=False)
    data = thumbnail(attachment)
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment_in_scope(request, pk, write=True)
    evidence_remove(actor=request.user, attachment=attachment)
    messages.success(request, f"已移除“{attachment.original_name}”")
    return redirect_next(request)
