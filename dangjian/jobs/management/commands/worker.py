"""`dangjian worker`: run background jobs (the task queue's worker) and the daily kinds.

Production runs it as a process of its own beside the app server (see README); `dangjian serve
--worker` starts one as a child for the demo."""

from __future__ import annotations

import importlib
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from dangjian.jobs import liveness
from dangjian.jobs.scheduler import TICK, Scheduler, housekeeping


class Command(BaseCommand):
    help = "运行后台任务处理进程：执行排队的任务，恢复中断的任务，每天提交一次定时任务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0,
                            help="队列为空时每隔几秒查看一次（默认1）")
        parser.add_argument("--tick", type=float, default=TICK,
                            help="每隔几秒恢复中断的任务、提交每日任务（默认15）")
        parser.add_argument("--no-scheduler", action="store_true",
                            help="只执行任务，不做恢复和每日任务")
        parser.add_argument("--kinds", action="append", default=[], metavar="MODULE",
                            help="另外导入登记任务类型的模块（测试用）")

    def handle(self, *args: Any, interval: float, tick: float, no_scheduler: bool,
               kinds: list[str], **options: Any) -> None:
        for module in kinds:
            importlib.import_module(module)
        if not no_scheduler:
            housekeeping()  # a restarted worker first takes back what its predecessor left
            Scheduler(tick).start()
        worker = Worker(queue_names=["*"], interval=interval, batch=False,
                        backend_name="default", startup_delay=False, max_tasks=None,
                        worker_id=get_random_string(32), excluded_queue_names=[])
        worker.configure_signals()
        self.stdout.write(f"后台任务处理进程已启动（{liveness.identity()}）")
        sys.stdout.flush()
        worker.run()
