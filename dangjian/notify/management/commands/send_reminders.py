"""`dangjian send-reminders`: notify users of tasks nearing or past their deadline (R0.10).

Run it from cron (or the task queue's scheduler) every hour or so; each reminder is sent once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dangjian.notify.services import reminders_send


class Command(BaseCommand):
    help = "发送待办到期提醒（每项待办的“即将到期”“已逾期”提醒各只发送一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help="提前几天提醒（默认取设置 REMINDER_DAYS）")

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        sent = reminders_send(days=days)
        self.stdout.write(f"已发送提醒 {sent} 条")
