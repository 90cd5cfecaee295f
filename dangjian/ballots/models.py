"""Anonymous one-time ballots.

A box holds candidates; raters get one-time codes (printed as QR slips). Only a keyed hash of
each code not yet used is stored: casting a ballot deletes its code's row, in the transaction
that inserts the ballot, so no row left in the database shares anything with the ballot (its
transaction id, its position, its time). A ballot row holds a receipt and its marks — no code,
account, address, agent or time — so no ballot can be traced back to a slip or a person. The box
counts the codes it issued: used = issued − the code rows left (see selectors.audit).

The public page of a box is addressed by `token`, 128 random bits, not by its id, so the boxes
cannot be found by counting.
"""

from __future__ import annotations

import secrets

from django.db import models

from dangjian.core.text import PlainText

TOKEN_BYTES = 16  # 128 bits


def new_token() -> str:
    """A box's public address: 22 URL-safe characters."""
    return secrets.token_urlsafe(TOKEN_BYTES)


class BoxStatus(models.TextChoices):
    DRAFT = "draft", "准备中"
    OPEN = "open", "测评中"
    CLOSED = "closed", "已结束"


class Box(PlainText, models.Model):
    title = models.CharField("名称", max_length=200)
    purpose = models.CharField("用途", max_length=40)  # set by the module using the box
    ref = models.CharField("关联记录", max_length=100, blank=True)
    owner_body = models.ForeignKey("org.Body", verbose_name="组织单位", on_delete=models.PROTECT,
                                   related_name="ballot_boxes")
    status = models.CharField("状态", max_length=10, choices=BoxStatus.choices,
                              default=BoxStatus.DRAFT)
    # How a candidate's overall grade follows from the tally (see ballots.rules).
    rule = models.JSONField("评定规则", default=dict, blank=True)
    token = models.CharField("测评地址标识", max_length=32, unique=True, default=new_token,
                             editable=False)
    codes_issued = models.PositiveIntegerField("已发放票码", default=0, editable=False)
    opened_at = models.DateTimeField("开始时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "测评"
        verbose_name_plural = "测评"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def trail_scope_path(self) -> str:
        return self.owner_body.path


class Candidate(PlainText, models.Model):
    box = models.ForeignKey(Box, on_delete=models.CASCADE, related_name="candidates")
    label = models.CharField("被测评对象", max_length=100)
    note = models.CharField("说明", max_length=200, blank=True)
    ref = models.CharField("关联记录", max_length=100, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["box_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["box", "ref"], condition=~models.Q(ref=""),
                                    name="ballot_candidate_ref_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class Code(models.Model):
    """A one-time code not yet used, known only by its keyed hash; a used code has no row.

    The rows of one issue are inserted in a random order (services.codes_issue), so neither
    their ids nor their place in the table follow the order of the printed sheet."""

    box = models.ForeignKey(Box, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)
    void = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"code#{self.pk}"


class Ballot(models.Model):
    """One rater's sheet: a receipt and a grade for every candidate of the box.

    The grades live in this one row (`marks`: candidate id → grade value) rather than a row per
    candidate: a sheet is written in a single insert, and no concurrent sheet has to share-lock
    the box's candidate rows (see docs/performance.md, "Ballots")."""

    box = models.ForeignKey(Box, on_delete=models.PROTECT, related_name="ballots")
    receipt = models.CharField("回执码", max_length=16, unique=True)
    marks = models.JSONField("评价", default=dict)

    class Meta:
        verbose_name = "测评票"
        verbose_name_plural = "测评票"

    def __str__(self) -> str:
        return self.receipt
