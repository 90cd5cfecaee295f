"""The rectification engine: problem → plan → measures → deadline → progress → verified closure.

Used by 述职评议 (R2.8), 党建考核 feedback (R1.4), 两个责任 spot checks (R3.5), civilization
(R5.7) and inspection (R6.3). It knows nothing of them: a plan names its `source` and a free
`source_ref`; the owning body places it in the tree and the verifying body checks it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core.text import PlainText


class ItemStatus(models.TextChoices):
    OPEN = "open", "未开始"
    IN_PROGRESS = "in_progress", "整改中"
    SUBMITTED = "submitted", "待验收"
    CLOSED = "closed", "已销号"


# The one transition table: (from, to) -> which side may make the move.
OWNER, VERIFIER = "owner", "verifier"
TRANSITIONS: dict[tuple[str, str], str] = {
    (ItemStatus.OPEN, ItemStatus.IN_PROGRESS): OWNER,
    (ItemStatus.OPEN, ItemStatus.SUBMITTED): OWNER,
    (ItemStatus.IN_PROGRESS, ItemStatus.SUBMITTED): OWNER,
    (ItemStatus.SUBMITTED, ItemStatus.CLOSED): VERIFIER,
    (ItemStatus.SUBMITTED, ItemStatus.IN_PROGRESS): VERIFIER,  # sent back: not yet done
}


class Plan(PlainText, models.Model):
    """A rectification plan (整改方案) owned by a body, or by one person within it."""

    year = models.ForeignKey("cycles.Year", verbose_name="年度", on_delete=models.PROTECT,
                             related_name="rectification_plans")
    source = models.CharField("来源", max_length=40)
    source_ref = models.CharField("来源记录", max_length=100, blank=True)
    title = models.CharField("名称", max_length=200)
    owner_body = models.ForeignKey("org.Body", verbose_name="整改单位", on_delete=models.PROTECT,
                                   related_name="rectification_plans")
    owner_person = models.ForeignKey(
        "org.Person", verbose_name="整改责任人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="rectification_plans",
    )
    verifier_body = models.ForeignKey(
        "org.Body", verbose_name="验收单位", on_delete=models.PROTECT, related_name="+"
    )
    carried_from = models.ForeignKey(
        "self", verbose_name="承接上年", null=True, blank=True, on_delete=models.PROTECT,
        related_name="carried_to",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "整改方案"
        verbose_name_plural = "整改方案"
        ordering = ["-year__year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "source", "source_ref", "owner_body", "owner_person"],
                name="rectification_plan_unique_per_source",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def source_label(self) -> str:
        from dangjian.rectification.sources import source_label

        return source_label(self.source)

    def trail_scope_path(self) -> str:
        return self.owner_body.path


class Item(PlainText, models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="items")
    origin = models.CharField("问题来源", max_length=40, blank=True)
    problem = models.TextField("问题")
    measures = models.TextField("整改措施", blank=True)
    owner = models.ForeignKey("org.Person", verbose_name="责任人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="rectification_items")
    deadline = models.DateField("整改时限")
    status = models.CharField("状态", max_length=20, choices=ItemStatus.choices,
                              default=ItemStatus.OPEN)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    verification = models.TextField("验收意见", blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["plan_id", "order", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.problem[:40]

    def trail_scope_path(self) -> str:
        return self.plan.owner_body.path

    def is_overdue(self, today: dt.date) -> bool:
        return self.status != ItemStatus.CLOSED and self.deadline < today


def overdue_q(today: dt.date) -> Q:
    return Q(deadline__lt=today) & ~Q(status=ItemStatus.CLOSED)


class Progress(PlainText, models.Model):
    """A progress report or a verifier's step on an item. Append-only: never edited."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="progress")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("填报人", max_length=150)
    status_from = models.CharField(max_length=20, choices=ItemStatus.choices)
    status_to = models.CharField(max_length=20, choices=ItemStatus.choices)
    note = models.TextField("情况说明")

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["item_id", "at", "id"]

    def __str__(self) -> str:
        return self.note[:40]

    def trail_scope_path(self) -> str:
        return self.item.plan.owner_body.path
