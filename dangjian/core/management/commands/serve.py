"""`dangjian serve [--host 127.0.0.1] [--port 8000] [--workers 1]`: serve the app with waitress.

PORT and WORKERS in the environment set the defaults; the options override them.

With --workers N > 1 the command forks N waitress processes (8 threads each), each listening on
its own socket bound to the same address with SO_REUSEPORT, so the kernel spreads connections
over them and Python runs on every core. The processes share nothing but the database (the app
keeps no state in memory that matters). If one exits, the others are stopped and the command
exits with an error, for the service manager to restart; SIGTERM or Ctrl-C stops them all.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

THREADS = 8


def _env_int(name: str, default: str, what: str) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        raise CommandError(f"环境变量 {name} 应为{what}") from None


def _reuseport_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        sock.listen(1024)  # waitress's backlog; connections queue until the worker runs
    except OSError:
        sock.close()
        raise
    return sock


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent was killed outright (no SIGTERM to pass on) stops too."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


class Command(BaseCommand):
    help = "启动网站服务（waitress）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--port", type=int, default=None,
                            help="端口（默认取环境变量 PORT，否则 8000）")
        parser.add_argument("--workers", type=int, default=None,
                            help="进程数（默认取环境变量 WORKERS，否则 1）")

    def handle(self, *args: Any, host: str, port: int | None, workers: int | None,
               **options: Any) -> None:
        if port is None:
            port = _env_int("PORT", "8000", "端口号")
        if workers is None:
            workers = _env_int("WORKERS", "1", "进程数")
        if workers < 1:
            raise CommandError("进程数应至少为1")
        import waitress  # type: ignore[import-untyped]  # no stubs published

        from dangjian.wsgi import application

        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        if workers > 1:
            self._serve_forked(waitress, application, host, port, workers, shown)
            return
        try:  # bind first, so "started" is only said when it has
            server = waitress.create_server(application, host=host, port=port,
                                            threads=THREADS, ident="dangjian")
        except OSError as exc:
            raise CommandError(f"无法在 {host}:{port} 上启动：{exc.strerror or exc}") from exc
        self.stdout.write(f"县直机关党建工作系统已启动：http://{shown}:{port}/")
        self.stdout.flush()
        try:
            server.run()
        except KeyboardInterrupt:
            self.stdout.write("已停止")
        finally:
            server.close()

    def _serve_forked(self, waitress: Any, application: Any, host: str, port: int,
                      workers: int, shown: str) -> None:
        from django.db import connections

        try:  # one listening socket per worker, all made before saying "started"
            socks = [_reuseport_socket(host, port) for _ in range(workers)]
        except OSError as exc:
            raise CommandError(f"无法在 {host}:{port} 上启动：{exc.strerror or exc}") from exc
        connections.close_all()  # no connection may be shared across fork
        sys.stdout.flush()
        children: list[int] = []
        parent = os.getpid()
        for sock in socks:
            pid = os.fork()
            if pid == 0:  # a worker: serve on its own socket until stopped
                for other in socks:
                    if other is not sock:
                        other.close()
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
                code = 0
                try:
                    waitress.create_server(application, sockets=[sock], threads=THREADS,
                                           ident="dangjian").run()
                except KeyboardInterrupt:
                    pass
                except BaseException:  # reported; the parent then stops all
                    import traceback

                    traceback.print_exc()
                    code = 1
                os._exit(code)
            children.append(pid)
        for sock in socks:
            sock.close()
        self.stdout.write(f"县直机关党建工作系统已启动：http://{shown}:{port}/（{workers}个进程）")
        self.stdout.flush()

        def stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        failed = False
        try:
            pid, _ = os.wait()
            children.remove(pid)
            failed = True
        except KeyboardInterrupt:
            pass
        finally:
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            for pid in children:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
        if failed:
            raise CommandError("有服务进程意外退出，已停止全部进程")
        self.stdout.write("已停止")
