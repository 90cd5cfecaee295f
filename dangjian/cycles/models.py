"""Years and windows: all work belongs to a year; windows open and close on time."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from dangjian.core.text import PlainText


class Year(PlainText, models.Model):
    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("名称", max_length=60, blank=True)
    is_current = models.BooleanField("当前年度", default=False)
    previous = models.OneToOneField(
        "self", verbose_name="上一年度", null=True, blank=True, on_delete=models.PROTECT,
        related_name="next_year",
    )

    class Meta:
        verbose_name = "年度"
        verbose_name_plural = "年度"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_year"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.year}年度"

    @property
    def starts(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def ends(self) -> dt.date:
        return dt.date(self.year, 12, 31)


class Window(PlainText, models.Model):
    """A period in which something may be submitted; it closes at its deadline (过时关闭)."""

    year = models.ForeignKey(Year, on_delete=models.PROTECT, related_name="windows")
    key = models.CharField("标识", max_length=100)
    title = models.CharField("名称", max_length=120)
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")

    class Meta:
        verbose_name = "报送窗口"
        verbose_name_plural = "报送窗口"
        constraints = [
            models.UniqueConstraint(fields=["year", "key"], name="window_year_key_unique"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="window_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at
