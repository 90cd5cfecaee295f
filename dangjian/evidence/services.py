"""Attach evidence: checked by `evidence_check` (type by content, name must agree), stored
under a random name."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.accounts.actors import acting_user
from dangjian.evidence.checks import ALLOWED_TYPES, base_name, evidence_check
from dangjian.evidence.models import Attachment

__all__ = ["evidence_attach", "evidence_check", "evidence_for", "evidence_remove"]


def evidence_attach(
    *, actor: Any, record: models.Model, name: str, data: bytes, note: str = ""
) -> Attachment:
    """Check (`evidence_check`) and store one file against a record. Scope is checked by the
    caller's view."""
    from dangjian.trail.changes import change_record

    mime = evidence_check(name, data)
    stored = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[mime]}"
    clean_name = base_name(name)[:200] or stored
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
