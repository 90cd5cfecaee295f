"""履责纪实 (R3.3): append-only records against ledger items, each also on a hash chain."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangjian.core.text import PlainText


def chain_for(body_id: int) -> str:
    """One hash chain per organisation."""
    return f"duty:{body_id}"


class DutyRecord(PlainText, models.Model):
    """What was done for a ledger item. Never edited: a correction is a new record."""

    item = models.ForeignKey("responsibility.LedgerItem", verbose_name="台账事项",
                             on_delete=models.PROTECT, related_name="records")
    body = models.ForeignKey("org.Body", verbose_name="责任主体", on_delete=models.PROTECT,
                             related_name="duty_records")
    chain_seq = models.BigIntegerField("留痕序号")
    summary = models.TextField("履责情况")
    occurred_on = models.DateField("履责日期")
    recorded_at = models.DateTimeField("记录时间")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorder_name = models.CharField("记录人", max_length=150)
    progress = models.PositiveSmallIntegerField("完成进度（%）")
    is_late = models.BooleanField("补记", default=False)
    corrects = models.ForeignKey("self", verbose_name="更正的记录", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="corrections")

    class Meta:
        verbose_name = "履责纪实"
        verbose_name_plural = "履责纪实"
        ordering = ["body_id", "chain_seq"]
        constraints = [
            models.UniqueConstraint(fields=["body", "chain_seq"], name="duty_record_chain_seq"),
            models.CheckConstraint(condition=models.Q(progress__lte=100),
                                   name="duty_record_progress_range"),
        ]
        indexes = [models.Index(fields=["item", "occurred_on"]),
                   models.Index(fields=["item", "chain_seq"])]

    def __str__(self) -> str:
        return f"{self.occurred_on:%Y-%m-%d} {self.summary[:30]}"

    @property
    def chain(self) -> str:
        return chain_for(self.body_id)

    def trail_scope_path(self) -> str:
        return self.body.path
