"""`dangjian serve [--host H] [--port 8000] [--workers 1] [--threads 8] [--worker]`: serve with
granian.

PORT, WORKERS and THREADS in the environment set the defaults; the options override them.

granian is an HTTP server written in Rust: connections, HTTP parsing and keep-alive stay out of
Python, which only runs the Django app through granian's WSGI interface. On a 2-core machine
/healthz went from about 1,350 req/s with the pure-Python server used before (1 process x 8
threads) to about 4,950 req/s with granian and 2 workers.

The command drives granian only through its public Python API: `granian.Granian` with its
documented options (those of granian's command line), the `on_startup`/`on_shutdown` hooks and
`serve()`. The app is loaded in each worker by granian's own loader from `worker_application`, a
factory (granian's `factory` option), which first ties the worker's life to the server's. That
loader puts the working directory first on the workers' sys.path, as `python -m` would: start the
server from a directory holding no Python modules of other versions (the checkout or `/`).

--workers N: granian forks N worker processes, each listening on the same port (SO_REUSEPORT),
so the kernel spreads connections over them and Python runs on every core. They share nothing but
the database: the app keeps no state in memory that matters.

--threads T: the threads per worker that run Django views (granian's "blocking threads"). The
default 8 keeps a core busy while some views wait on the database, without piling up threads that
only contend for the GIL; each thread also holds its own database connection, so workers x
threads bounds the connections PostgreSQL sees. granian's own default would be hundreds.

--worker: also run one background job worker (`dangjian worker`) as a child process, for the
demo; it is restarted if it dies and stopped with the server (dangjian/core/children.py).
Production runs `dangjian worker` as a service of its own instead.

Because granian binds with SO_REUSEPORT, a second server on the same port would quietly share it;
so the address is first checked with a plain bind, which a port in use refuses. The "started"
line is printed only once a worker accepts connections on it.

A worker that dies is respawned by granian; one that dies again within about 5 seconds is a crash
loop: granian then stops every worker and the command exits with status 1, for the service
manager to restart. SIGTERM or Ctrl-C stops all workers, giving each up to 10 seconds to finish
its requests before it is killed; if the server process itself is killed outright, the kernel
stops the workers (Linux). granian's errors go to stderr; its warnings are not shown, as the only
ones that can arise here are its hints on sizing, one of which it gives for 8 threads on fewer
than 4 cores. There is no access log.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
import threading
import time
from typing import Any

from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from granian import Granian
from granian.constants import Interfaces
from granian.log import LogLevels

from dangjian.core.children import PR_SET_PDEATHSIG, Child

TARGET = "dangjian.core.management.commands.serve:worker_application"
THREADS = 8
KILL_AFTER = 10  # seconds a stopping worker gets to finish its requests
PARENT = "DANGJIAN_SERVE_PID"  # tells the workers which process is their server

#: granian's log config with its messages on stderr, so stdout only carries the command's own lines.
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"generic": {"format": "[granian %(levelname)s] %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "generic",
                            "stream": "ext://sys.stderr"}},
    "loggers": {"_granian": {"handlers": ["stderr"], "propagate": False}},
}


def _env_int(name: str, default: str, what: str) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        raise CommandError(f"环境变量 {name} 应为{what}") from None


def worker_application() -> Any:
    """Run by granian in each worker before it serves (fork or spawn alike): have the kernel
    send this worker SIGTERM when the server process dies, even by SIGKILL (granian's workers
    would otherwise live on as orphans holding the port), then load the app."""
    # The server's SIGTERM handler, copied by fork, would do nothing here; until granian sets
    # the worker's own, a SIGTERM just ends it (it serves nothing yet).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if str(os.getppid()) != os.environ.get(PARENT):  # it died before the request was made
        os._exit(0)
    from dangjian.wsgi import application

    return application


def _bindable_address(host: str, port: int) -> str:
    """The numeric address to give granian (it takes no host names), once a plain bind succeeded."""
    try:
        family, _, _, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as granian does
            probe.bind(addr)
    except OSError as exc:
        raise CommandError(f"无法在 {host}:{port} 上启动：{exc.strerror or exc}") from exc
    return str(addr[0])


def _accepts(address: str, port: int) -> bool:
    target = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(address, address)
    try:
        socket.create_connection((target, port), timeout=1).close()
    except OSError:
        return False
    return True


def _announce_once_accepting(address: str, port: int, line: str) -> None:
    """From granian's startup hook, before it spawns the workers: print `line` once one of them
    accepts connections. Written straight to the file descriptor, so no buffered copy of it can
    be inherited by a worker forked later. (If the workers never accept, granian stops and the
    process ends with this thread.)"""

    def watch() -> None:
        while not _accepts(address, port):
            time.sleep(0.05)
        os.write(sys.stdout.fileno(), (line + "\n").encode())

    threading.Thread(target=watch, name="announce", daemon=True).start()


class Command(BaseCommand):
    help = "启动网站服务（granian）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--port", type=int, default=None,
                            help="端口（默认取环境变量 PORT，否则 8000）")
        parser.add_argument("--workers", type=int, default=None,
                            help="进程数（默认取环境变量 WORKERS，否则 1）")
        parser.add_argument("--threads", type=int, default=None,
                            help=f"每个进程的线程数（默认取环境变量 THREADS，否则 {THREADS}）")
        parser.add_argument("--worker", action="store_true",
                            help="同时启动一个后台任务进程（演示用；生产环境另行运行 "
                                 "dangjian worker）")

    def handle(self, *args: Any, host: str, port: int | None, workers: int | None,
               threads: int | None, worker: bool, **options: Any) -> None:
        if port is None:
            port = _env_int("PORT", "8000", "端口号")
        if workers is None:
            workers = _env_int("WORKERS", "1", "进程数")
        if threads is None:
            threads = _env_int("THREADS", str(THREADS), "线程数")
        if not 1 <= port <= 65535:
            raise CommandError("端口号应在 1 到 65535 之间")
        if workers < 1:
            raise CommandError("进程数应至少为1")
        if threads < 1:
            raise CommandError("线程数应至少为1")
        address = _bindable_address(host, port)
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
        announce = f"县直机关党建工作系统已启动：http://{shown}:{port}/"
        if workers > 1:
            announce += f"（{workers}个进程）"
        jobs = self._job_worker() if worker else None

        from django.db import connections

        connections.close_all()  # no database connection may be shared across fork
        sys.stdout.flush()
        sys.stderr.flush()
        os.environ[PARENT] = str(os.getpid())
        server = Granian(TARGET, address=address, port=port, interface=Interfaces.WSGI,
                         workers=workers, blocking_threads=threads, factory=True,
                         respawn_failed_workers=True, workers_kill_timeout=KILL_AFTER,
                         log_level=LogLevels.error, log_dictconfig=LOG_CONFIG, log_access=False)
        server.on_startup(lambda: _announce_once_accepting(address, port, announce))
        if jobs is not None:
            server.on_startup(jobs.start)
            server.on_shutdown(lambda: jobs.stop(KILL_AFTER))
        try:
            server.serve()
        except SystemExit as exc:  # granian's way of saying a worker kept failing
            if exc.code:
                raise CommandError("服务进程反复意外退出，已停止全部进程") from None
            raise
        finally:
            if jobs is not None:  # granian failed before its shutdown hooks
                jobs.stop(KILL_AFTER)
        self.stdout.write("已停止")

    def _job_worker(self) -> Child | None:
        if "worker" not in get_commands():
            self.stderr.write("未启动后台任务进程：本版本没有 worker 命令")
            return None
        return Child([sys.executable, "-m", "dangjian.runner", "worker"], "后台任务进程",
                     sys.stderr)
