"""`dangjian prune-security-log [--days N]`: delete security-log entries older than the
retention (SECURITY_LOG_RETENTION_DAYS, default 180; never fewer than 180 days) — the log's
only deletion. Run it daily (cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangjian.security.services import log_prune


class Command(BaseCommand):
    help = "清理超过保存期限的安全日志（保存期不少于180天）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None,
                            help="保存天数，默认 SECURITY_LOG_RETENTION_DAYS，不少于180")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            deleted = log_prune(days=options["days"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已删除过期安全日志{deleted}条")
