"""Open and close workbench tasks; send reminders before deadlines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from dangjian.notify.models import Notification, Task
from dangjian.notify.registry import WorkItem, acts_for, event_label


def task_open(
    *,
    assignee: Any,
    key: str,
    module: str,
    title: str,
    url: str = "",
    due_at: dt.datetime | None = None,
    year: Any = None,
    state: str = "",
) -> Task:
    """Put a task on a user's workbench (or refresh it, if it is already there)."""
    task, _ = Task.objects.update_or_create(
        assignee=assignee,
        key=key,
        defaults={"module": module, "title": title, "url": url, "due_at": due_at, "year": year,
                  "state": state, "done_at": None},
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


def task_urgency(task: Task | WorkItem, now: dt.datetime | None = None) -> str:
    """'overdue', 'soon' (within the reminder period) or 'normal'."""
    if task.due_at is None:
        return "normal"
    now = now or timezone.now()
    if task.due_at < now:
        return "overdue"
    if task.due_at - now <= dt.timedelta(days=settings.REMINDER_DAYS):
        return "soon"
    return "normal"


def notify(*, event: str, recipient: Any, key: str, title: str, body: str, url: str) -> None:
    """Send after commit, once per key. The event must be declared (registry.events); a
    notification always says what happened and where to act: empty text or link is refused."""
    event_label(event)
    if not title.strip() or not body.strip() or not url:
        raise ValueError(f"notification {event} needs a title, a text and a link")
    if recipient is None or not getattr(recipient, "is_active", True):
        return

    def _send() -> None:
        Notification.objects.get_or_create(
            recipient=recipient, key=key,
            defaults={"title": title[:200], "body": body.strip(), "url": url},
        )

    transaction.on_commit(_send)


def notify_all(*, event: str, recipients: Iterable[Any], key: str, title: str, body: str,
               url: str, skip: Any = None) -> None:
    """`notify` each recipient once (the actor who caused the event excepted)."""
    seen: set[int] = set()
    skip_id = getattr(skip, "pk", None)
    for user in recipients:
        if user is None or user.pk in seen or user.pk == skip_id:
            continue
        seen.add(user.pk)
        notify(event=event, recipient=user, key=key, title=title, body=body, url=url)


def account_of(person: Any) -> Any:
    """The active account of a person, or None."""
    if person is None:
        return None
    account = getattr(person, "account", None)
    return account if account is not None and account.is_active else None


def accounts_covering(perm: Any, body: Any) -> list[Any]:
    """The active accounts who act for `body` with `perm` (registry.acts_for): its reviewers,
    its verifiers; not every county-wide account that could reach it."""
    from dangjian.org.models import RoleAssignment
    from dangjian.org.scope import ROLE_PERMS

    roles = [role for role, perms in ROLE_PERMS.items() if perm in perms]
    ids = list(body.ancestor_ids)
    paths = [f"/{'/'.join(str(i) for i in ids[:n])}/" for n in range(1, len(ids) + 1)]
    rows = RoleAssignment.objects.filter(
        role__in=roles, valid_to__isnull=True, body__path__in=paths,
        user__is_active=True).select_related("user", "body").order_by("user_id")
    users = {ra.user.pk: ra.user for ra in rows if ra.recursive or ra.body.path == body.path}
    return [u for u in users.values() if acts_for(u, perm, body)]


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
