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
from dangjian.evidence.registry import ATTACHABLE, WriteCheck
from dangjian.evidence.services import evidence_attach, evidence_remove
from dangjian.org.scope import Perm, require


def _perms_for(model: type[models.Model]) -> tuple[Perm, WriteCheck]:
    for label, read, write in ATTACHABLE.values():
        if apps.get_model(label) is model:
            return read, write
    raise Http404


def _require_write(user: object, check: WriteCheck, record: models.Model) -> None:
    if isinstance(check, Perm):
        require(user, check, record)
    elif not check(user, record):
        raise PermissionDenied("您无权为该记录上传或移除材料")


@require_POST
def upload(request: HttpRequest, model: str, object_id: int) -> HttpResponse:
    if model not in ATTACHABLE:
        raise Http404
    label, read, write = ATTACHABLE[model]
    record = get_object_or_404(apps.get_model(label), pk=object_id)
    require(request.user, read, record)
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
    read_perm, write_check = _perms_for(type(record))
    require(request.user, read_perm, record)
    if write:
        _require_write(request.user, write_check, record)
    return attachment


def download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _attachment_in_scope(request, pk, write=False)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.mime,
                            as_attachment=True, filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment_in_scope(request, pk, write=True)
    evidence_remove(actor=request.user, attachment=attachment)
    messages.success(request, f"已移除“{attachment.original_name}”")
    return redirect_next(request)
