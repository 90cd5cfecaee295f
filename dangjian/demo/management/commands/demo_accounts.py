"""`dangjian demo-accounts [--json]`: the demo accounts, their password and scope."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dangjian.demo.accounts import accounts_list, accounts_table


class Command(BaseCommand):
    help = "列出演示账号（角色、用户名、密码、范围）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出")

    def handle(self, *args: Any, as_json: bool, **options: Any) -> None:
        rows = accounts_list()
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("尚未创建演示账号，请先运行：dangjian demo-data")
            return
        self.stdout.write("演示账号（所有账号使用同一演示密码，仅供演示）：")
        self.stdout.write(accounts_table(rows))
