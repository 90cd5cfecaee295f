"""Append-only, hash-chained records (SM3). Corrections are new entries, never edits."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ChainHead(models.Model):
    """The latest entry of one chain: serialises appends and lets truncation be detected."""

    chain = models.CharField(max_length=100, primary_key=True)
    seq = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq}"


class TrailEntry(models.Model):
    chain = models.CharField(max_length=100, db_index=True)
    seq = models.BigIntegerField()
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=40)
    subject_type = models.CharField("对象类型", max_length=60)
    subject_id = models.CharField(max_length=40)
    subject_label = models.CharField("对象", max_length=200)
    # Where the subject sits in the tree, so the trail itself is scoped.
    scope_path = models.CharField(max_length=255, db_index=True, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    prev_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = "留痕记录"
        verbose_name_plural = "留痕记录"
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="trail_chain_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            # The change trace reads several chains newest first (trail.selectors.change_list).
            models.Index(fields=["at", "chain", "seq"], name="trail_entry_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action} {self.subject_label}"


class Checkpoint(models.Model):
    """A chain head as it stood at a moment, signed with a key the database does not hold and
    also written to the witness file (dangjian.trail.checkpoints); printed on reports and
    exported, so a later truncation or rewrite of the chain (even with its head row rewound,
    even re-hashed throughout) shows against it."""

    chain = models.CharField("链", max_length=100, db_index=True)
    seq = models.BigIntegerField("序号")
    digest = models.CharField("SM3摘要", max_length=64)
    taken_at = models.DateTimeField("时间")
    taken_by = models.CharField("操作人", max_length=150, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    # HMAC-SM3 under TRAIL_CHECKPOINT_KEY over all of the above (dangjian.trail.signing).
    signature = models.CharField("签名", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "留痕检查点"
        verbose_name_plural = "留痕检查点"
        ordering = ["chain", "seq", "id"]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.digest[:16]}"

    @property
    def code(self) -> str:
        """The printable form: chain, sequence number and head digest."""
        return f"{self.chain}#{self.seq}:{self.digest}"
