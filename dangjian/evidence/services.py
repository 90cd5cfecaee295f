"""Attach evidence: the type is judged by content, not by name; stored under a random name."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import PurePath
from typing import Any

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.accounts.actors import acting_user
from dangjian.evidence.models import Attachment

# What a county office attaches: photos, scans, office documents. MIME -> stored extension.
ALLOWED_TYPES: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}
ALLOWED_LABEL = "JPG、PNG、GIF、WEBP图片，PDF，Word（.docx）、Excel（.xlsx）、PowerPoint（.pptx）"


def sniff_mime(data: bytes) -> str | None:
    kind = filetype.guess(data)
    return kind.mime if kind else None


def evidence_attach(
    *, actor: Any, record: models.Model, name: str, data: bytes, note: str = ""
) -> Attachment:
    """Validate and store one file against a record. Scope is checked by the caller's view."""
    from dangjian.trail.changes import change_record

    if not data:
        raise ValidationError("文件为空，请重新选择")
    if len(data) > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"文件超过大小上限（{limit}MB）")
    mime = sniff_mime(data)
    if mime not in ALLOWED_TYPES:
        raise ValidationError(f"文件内容不是允许的类型。允许：{ALLOWED_LABEL}")
    stored = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[mime]}"
    clean_name = PurePath(name.replace("\\", "/")).name[:200] or stored
    with transaction.atomic():
        attachment = Attachment(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            original_name=clean_name,
            mime=mime,
            size=len(data),
            sm3=hashlib.new("sm3", data).hexdigest(),
            note=note,
            uploaded_by=acting_user(actor),
        )
        attachment.file.save(stored, ContentFile(data), save=False)
        attachment.full_clean()
        attachment.save()
        change_record(
            actor=actor, action="attach", obj=record,
            after={"文件": clean_name, "SM3": attachment.sm3, "大小": len(data)},
        )
    return attachment


def evidence_remove(*, actor: Any, attachment: Attachment) -> Attachment:
    """Soft removal: the file stays in storage and the trail keeps the record."""
    from dangjian.trail.changes import change_record

    with transaction.atomic():
        attachment.removed_at = timezone.now()
        attachment.save(update_fields=["removed_at"])
        record = attachment.record
        if record is not None:
            change_record(
                actor=actor, action="detach", obj=record,
                before={"文件": attachment.original_name, "SM3": attachment.sm3},
            )
    return attachment


def evidence_for(record: models.Model) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        removed_at__isnull=True,
    )
