"""`dangjian send-reminders` (R0.10): one notification per task nearing or past its deadline,
sent once however often the command runs."""

from __future__ import annotations

import datetime as dt
import io
import sys
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from dangjian.notify.models import Notification
from dangjian.notify.services import task_close, task_open
from dangjian.runner import main


def _tasks(user: Any) -> None:
    now = timezone.now()
    task_open(assignee=user, key="t:overdue", module="测试", title="逾期的事",
              due_at=now - dt.timedelta(days=1))
    task_open(assignee=user, key="t:soon", module="测试", title="快到期的事",
              due_at=now + dt.timedelta(days=2))
    task_open(assignee=user, key="t:later", module="测试", title="还早的事",
              due_at=now + dt.timedelta(days=40))
    task_open(assignee=user, key="t:none", module="测试", title="没有期限的事")
    task_open(assignee=user, key="t:done", module="测试", title="办完的事",
              due_at=now - dt.timedelta(days=1))
    task_close(key="t:done", assignee=user)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.req("R0.10")
def test_send_reminders_notifies_once_per_due_task(county: Any) -> None:
    user = county.user("org_secretary")
    _tasks(user)
    assert _run() == "已发送提醒 2 条"
    titles = set(Notification.objects.filter(recipient=user).values_list("title", flat=True))
    assert titles == {"已逾期：逾期的事", "即将到期：快到期的事"}
    assert _run() == "已发送提醒 0 条"
    assert Notification.objects.count() == 2
    # A longer horizon reaches the later task, once.
    assert _run("--days", "60") == "已发送提醒 1 条"
    assert _run("--days", "60") == "已发送提醒 0 条"


@pytest.mark.req("R0.10")
def test_dangjian_send_reminders_entry_point(county: Any, monkeypatch: Any,
                                             capsys: Any) -> None:
    _tasks(county.user("member"))
    # run_from_argv closes the connections when done; the test database has to outlive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    monkeypatch.setattr(sys, "argv", ["dangjian", "send-reminders"])
    main()
    assert capsys.readouterr().out.strip() == "已发送提醒 2 条"
    assert Notification.objects.filter(recipient=county.user("member")).count() == 2
