"""One-time form tokens: a form that creates an append-only record is stored once per token."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FormSubmission(models.Model):
    """A form's one-time token, claimed in the transaction that stores what the form creates.

    A second submission of the same token (the browser's Back then 提交, a double click, two
    tabs) finds this row and is sent to `target`, the page of the first submission's record."""

    token = models.CharField("表单令牌", max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    path = models.CharField("提交地址", max_length=300)
    target = models.CharField("首次提交的结果页", max_length=300, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "表单提交"
        verbose_name_plural = "表单提交"

    def __str__(self) -> str:
        return f"{self.path} {self.created_at:%Y-%m-%d %H:%M}"
