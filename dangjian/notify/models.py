"""Workbench tasks and notifications (R0.10). Modules add to them through services."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Task(models.Model):
    """Something a user has to do, with an optional deadline. `key` makes opening idempotent."""

    key = models.CharField(max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tasks"
    )
    year = models.ForeignKey("cycles.Year", null=True, blank=True, on_delete=models.PROTECT)
    module = models.CharField("模块", max_length=40)
    title = models.CharField("事项", max_length=200)
    url = models.CharField("链接", max_length=300, blank=True)
    state = models.CharField("状态", max_length=20, blank=True)  # e.g. 已退回; empty: 进行中
    due_at = models.DateTimeField("截止时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "待办"
        verbose_name_plural = "待办"
        ordering = ["done_at", "due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignee", "key"], name="task_assignee_key_unique"),
        ]
        indexes = [models.Index(fields=["assignee", "done_at", "due_at"])]

    def __str__(self) -> str:
        return self.title


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=200)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_key_unique"),
        ]

    def __str__(self) -> str:
        return self.title
