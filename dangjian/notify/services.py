"""Open and close workbench tasks; send reminders before deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.notify.models import Notification, Task


def task_open(
    *,
    assignee: Any,
    key: str,
    module: str,
    title: str,
    url: str = "",
    due_at: dt.datetime | None = None,
    year: Any = None,
) -> Task:
    """Put a task on a user's workbench (or refresh it, if it is already there)."""
    task, _ = Task.objects.update_or_create(
        assignee=assignee,
        key=key,
        defaults={"module": module, "title": title, "url": url, "due_at": due_at, "year": year,
                  "done_at": None},
    )
    return task


def task_close(*, key: str, assignee: Any = None) -> int:
    qs = Task.objects.filter(key=key, done_at__isnull=True)
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    return qs.update(done_at=timezone.now())


def workbench_tasks(*, user: Any) -> QuerySet[Task]:
    return Task.objects.filter(assignee=user, done_at__isnull=True).order_by(
        "due_at", "id"
    )


def task_urgency(task: Task, now: dt.datetime | None = None) -> str:
    """'overdue', 'soon' (within the reminder period) or 'normal'."""
    if task.due_at is None:
        return "normal"
    now = now or timezone.now()
    if task.due_at < now:
        return "overdue"
    if task.due_at - now <= dt.timedelta(days=settings.REMINDER_DAYS):
        return "soon"
    return "normal"


def notify(*, recipient: Any, key: str, title: str, body: str = "", url: str = "") -> None:
    """Send after commit, once per key."""

    def _send() -> None:
        Notification.objects.get_or_create(
            recipient=recipient, key=key, defaults={"title": title, "body": body, "url": url}
        )

    transaction.on_commit(_send)


def reminders_send(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """A notification for each open task whose deadline falls within the reminder period."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=days if days is not None else settings.REMINDER_DAYS)
    sent = 0
    due = Task.objects.filter(done_at__isnull=True, due_at__isnull=False, due_at__lte=horizon)
    for task in due.select_related("assignee"):
        assert task.due_at is not None
        overdue = task.due_at < now
        key = f"reminder:{task.pk}:{'overdue' if overdue else 'soon'}"
        when = timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")
        title = f"{'已逾期' if overdue else '即将到期'}：{task.title}"
        _, created = Notification.objects.get_or_create(
            recipient=task.assignee, key=key,
            defaults={"title": title, "body": f"截止时间：{when}", "url": task.url},
        )
        sent += int(created)
    return sent
