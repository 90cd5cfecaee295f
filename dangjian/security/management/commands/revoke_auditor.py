"""`dangjian revoke-auditor <username>`: end an account's audit administrator role."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.security.services import auditor_revoke


class Command(BaseCommand):
    help = "撤销安全审计员角色（仅可在服务器上执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            auditor_revoke(username=options["username"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已撤销“{options['username']}”的安全审计员角色")
