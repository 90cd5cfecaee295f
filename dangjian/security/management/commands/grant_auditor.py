"""`dangjian grant-auditor <username> --full-name 姓名`: create the audit administrator.

Run on the server: the 工委 administrator (who manages accounts in the pages) can neither
create nor grant this role, nor know its password. The password is read from the terminal
(twice), or from standard input when that is not a terminal (one line). Logged in the
security log with the operating-system user who ran it.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.security.services import auditor_create


class Command(BaseCommand):
    help = "新建安全审计员账号（仅可在服务器上执行）"
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--full-name", default="安全审计员")

    def _password(self, stdin: Any) -> str:
        if not stdin.isatty():
            return str(stdin.readline()).rstrip("\r\n")
        first = getpass.getpass("密码：")
        if getpass.getpass("再次输入密码：") != first:
            raise CommandError("两次输入的密码不一致")
        return first

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options.get("stdin") or sys.stdin)
        try:
            user = auditor_create(username=options["username"], password=password,
                                  full_name=options["full_name"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已新建安全审计员账号“{user.username}”")
