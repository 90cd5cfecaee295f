"""`dangjian serve [--host 127.0.0.1] [--port 8000]`: serve the app with waitress.

PORT in the environment sets the default port; --port overrides it.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

THREADS = 8


class Command(BaseCommand):
    help = "启动网站服务（waitress）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--port", type=int, default=None,
                            help="端口（默认取环境变量 PORT，否则 8000）")

    def handle(self, *args: Any, host: str, port: int | None, **options: Any) -> None:
        if port is None:
            try:
                port = int(os.environ.get("PORT", "8000"))
            except ValueError:
                raise CommandError("环境变量 PORT 应为端口号") from None
        import waitress  # type: ignore[import-untyped]  # no stubs published

        from dangjian.wsgi import application

        try:  # bind first, so "started" is only said when it has
            server = waitress.create_server(application, host=host, port=port,
                                            threads=THREADS, ident="dangjian")
        except OSError as exc:
            raise CommandError(f"无法在 {host}:{port} 上启动：{exc.strerror or exc}") from exc
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        self.stdout.write(f"县直机关党建工作系统已启动：http://{shown}:{port}/")
        self.stdout.flush()
        try:
            server.run()
        except KeyboardInterrupt:
            self.stdout.write("已停止")
        finally:
            server.close()
