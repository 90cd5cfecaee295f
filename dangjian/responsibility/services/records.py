"""履责纪实 (R3.3): append-only records, each also an entry on its organisation's SM3 chain.

The entry's `after` holds the record's canonical content with the SM3 digest of every
evidence file, so the chain covers the files too. A correction is a new record that names
the one it corrects; the old one stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dangjian.evidence.models import Attachment
from dangjian.evidence.services import evidence_attach, evidence_check
from dangjian.notify.services import task_close
from dangjian.responsibility.models import (
    RECORDABLE,
    DutyRecord,
    LedgerItem,
    ListStatus,
    chain_for,
)
from dangjian.responsibility.services.common import (
    actor_name,
    can_record,
    grace_days,
    user_or_none,
)
from dangjian.trail.models import ChainHead
from dangjian.trail.services import trail_append

SUBJECT_TYPE = "responsibility.dutyrecord"

Upload = tuple[str, bytes]


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def evidence_rows(attachments: list[Attachment]) -> list[dict[str, Any]]:
    return [{"编号": a.pk, "文件": a.original_name, "SM3": a.sm3, "大小": a.size}
            for a in sorted(attachments, key=lambda a: a.pk)]


def record_content(record: DutyRecord, attachments: list[Attachment]) -> dict[str, Any]:
    """The canonical content of a record, as it goes on the chain and is compared back."""
    return {
        "编号": record.pk, "组织": record.body_id, "事项": record.item_id,
        "留痕序号": record.chain_seq, "履责情况": record.summary,
        "履责日期": record.occurred_on.isoformat(), "记录时间": _utc(record.recorded_at),
        "记录人": record.recorder_name, "完成进度": record.progress, "补记": record.is_late,
        "更正": record.corrects_id, "佐证": evidence_rows(attachments),
    }


def _clean(item: LedgerItem, summary: str, occurred_on: dt.date | None, progress: Any,
           corrects: DutyRecord | None, today: dt.date) -> tuple[str, dt.date, int]:
    errors: dict[str, str] = {}
    year = item.rlist.year
    if not summary.strip():
        errors["summary"] = "请填写履责情况，不能提交空记录"
    if occurred_on is None:
        errors["occurred_on"] = "请填写履责日期"
    elif occurred_on > today:
        errors["occurred_on"] = "履责日期不能晚于今天"
    elif occurred_on < year.starts or occurred_on > year.ends:
        errors["occurred_on"] = f"履责日期应在{year.year}年度内"
    try:
        value = int(progress)
        if not 0 <= value <= 100:
            raise ValueError
    except (TypeError, ValueError):
        errors["progress"] = "完成进度应为0到100之间的整数"
        value = 0
    if corrects is not None:
        if corrects.item_id != item.pk:
            errors["corrects"] = "只能更正同一事项下的记录"
        elif corrects.corrections.exists():
            errors["corrects"] = "该记录已被更正，请在最新的更正记录上再更正"
    if errors:
        raise ValidationError(errors)
    assert occurred_on is not None
    return summary.strip(), occurred_on, value


def record_add(
    *,
    actor: Any,
    item: LedgerItem,
    summary: str,
    occurred_on: dt.date | None,
    progress: Any,
    files: list[Upload] | None = None,
    corrects: DutyRecord | None = None,
    check_scope: bool = True,
    recorded_at: dt.datetime | None = None,
) -> DutyRecord:
    """Record a duty performed against a ledger item, with its evidence, on the chain.
    `recorded_at` is for importing a past year's records (demo data); views never pass it."""
    item = LedgerItem.objects.select_related("rlist__body", "rlist__year").get(pk=item.pk)
    if check_scope and not can_record(actor, item):
        raise PermissionDenied("您无权为该台账事项记录履责纪实")
    if item.rlist.status not in RECORDABLE:
        raise ValidationError(
            f"清单当前为“{ListStatus(item.rlist.status).label}”，报送后才能记录履责纪实")
    today = timezone.localtime(recorded_at).date() if recorded_at else timezone.localdate()
    text, day, value = _clean(item, summary, occurred_on, progress, corrects, today)
    files = files or []
    for name, data in files:  # every file checked before the transaction writes anything
        evidence_check(name, data)
    body = item.rlist.body
    chain = chain_for(body.pk)
    with transaction.atomic():
        ChainHead.objects.get_or_create(chain=chain)
        head = ChainHead.objects.select_for_update().get(chain=chain)
        now = recorded_at or timezone.now()
        record = DutyRecord(
            item=item, body=body, chain_seq=head.seq + 1, summary=text, occurred_on=day,
            recorded_at=now, recorded_by=user_or_none(actor), recorder_name=actor_name(actor),
            progress=value, corrects=corrects,
            is_late=(timezone.localtime(now).date() - day).days > grace_days(),
        )
        record.full_clean()
        record.save(force_insert=True)
        attachments = [evidence_attach(actor=actor, record=record, name=name, data=data)
                       for name, data in files]
        entry = trail_append(
            chain=chain, actor=actor, action="correct" if corrects else "record",
            subject_type=SUBJECT_TYPE, subject_id=record.pk, subject_label=str(record),
            scope_path=body.path,
            after={"记录": record_content(record, attachments), "事项内容": item.content[:200]},
            note=f"更正第{corrects.chain_seq}条记录" if corrects else "",
        )
        if entry.seq != record.chain_seq:  # the head is locked above: cannot happen
            raise RuntimeError("留痕序号不一致")
        progress = item_progress(item) if corrects else max(item.progress, value)
        LedgerItem.objects.filter(pk=item.pk).update(progress=progress,
                                                     n_records=F("n_records") + 1)
        if progress >= 100:
            transaction.on_commit(lambda: task_close(key=f"responsibility:item:{item.pk}"))
    return record


def effective_records(item: LedgerItem) -> Any:
    """Records that no later record corrects."""
    return item.records.filter(corrections__isnull=True)


def item_progress(item: LedgerItem) -> int:
    values = list(effective_records(item).values_list("progress", flat=True))
    return max(values, default=0)


def file_digest_matches(attachment: Attachment) -> bool:
    with attachment.file.open("rb") as fh:
        return hashlib.new("sm3", fh.read()).hexdigest() == attachment.sm3


def record_attachments(records: list[DutyRecord]) -> dict[int, list[Attachment]]:
    ct = ContentType.objects.get_for_model(DutyRecord)
    out: dict[int, list[Attachment]] = {r.pk: [] for r in records}
    for a in Attachment.objects.filter(content_type=ct, object_id__in=list(out),
                                       removed_at__isnull=True):
        out.setdefault(a.object_id, []).append(a)
    return out
