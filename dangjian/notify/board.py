"""The workbench as one list: the user's open stored tasks and every module's computed queues."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from dangjian.notify.models import Task
from dangjian.notify.registry import WorkItem, sources

_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


def end_of_day(day: dt.date) -> dt.datetime:
    """A deadline on a day: its end of office day, in the county's time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))


def _from_task(task: Task) -> WorkItem:
    return WorkItem(module=task.module, title=task.title, url=task.url, key=task.key,
                    due_at=task.due_at, year=task.year, state=task.state)


def workbench_items(*, user: Any) -> list[WorkItem]:
    """What waits for this user, earliest deadline first; queues without a deadline after."""
    stored = Task.objects.filter(assignee=user, done_at__isnull=True).select_related("year")
    items = [_from_task(t) for t in stored]
    seen = {i.key for i in items}
    for _module, source in sources():
        for item in source(user):
            if item.key and item.key in seen:
                continue
            seen.add(item.key)
            items.append(item)
    return sorted(items, key=lambda i: (i.due_at or _FAR, i.module, i.title))
