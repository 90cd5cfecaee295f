"""A child process the server keeps running beside it (`dangjian serve --worker`): restarted
when it dies, stopped with the server, and ended by the kernel if the server is killed outright.

The child is started with posix_spawn, not subprocess: granian forks its workers from the main
thread at any moment, and a fork that lands while subprocess waits on its private error pipe
hands that pipe to the worker, leaving the start blocked for as long as the worker lives.
It runs a small Python guard that asks the kernel (Linux prctl PR_SET_PDEATHSIG) for SIGTERM
when its parent dies, then execs the real command; the request survives exec. It runs in its own
session, so a Ctrl-C in the terminal reaches only the server, which then stops it in order."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from typing import IO

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
GUARD = (
    "import ctypes, os, signal, sys\n"
    "if sys.platform == 'linux':\n"
    f"    ctypes.CDLL(None, use_errno=True).prctl({PR_SET_PDEATHSIG}, signal.SIGTERM, 0, 0, 0)\n"
    "if os.getppid() != int(sys.argv[1]):\n"  # the parent died before the request was made
    "    sys.exit(0)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)
QUICK_DEATH = 5.0  # seconds: a child that dies sooner after starting waits longer to restart
MAX_DELAY = 30.0


class Child:
    """`argv` (argv[0] a path) kept running from start() until stop(); each death is reported
    on `stderr`."""

    def __init__(self, argv: list[str], label: str, stderr: IO[str]) -> None:
        self.argv = argv
        self.label = label
        self.err = stderr
        self.pid: int | None = None  # the running child, until it is reaped
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._keep_running, name=label, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _spawn(self) -> int | None:
        with self._lock:  # stop() cannot slip in between the check and the start
            if self._stopping.is_set():
                return None
            argv = [sys.executable, "-c", GUARD, str(os.getpid()), *self.argv]
            self.pid = os.posix_spawn(sys.executable, argv, os.environ, setsid=True)
            return self.pid

    def _reap(self, pid: int) -> int:
        _, status = os.waitpid(pid, 0)
        with self._lock:
            self.pid = None
        return os.waitstatus_to_exitcode(status)

    def _keep_running(self) -> None:
        # The kernel's parent-death signal follows the thread that started the child, so this
        # thread starts every one and lives as long as they may.
        delay = 1.0
        while (pid := self._spawn()) is not None:
            born = time.monotonic()
            code = self._reap(pid)
            if self._stopping.is_set():
                return
            if time.monotonic() - born >= QUICK_DEATH:
                delay = 1.0
            self.err.write(f"{self.label}意外退出（退出码 {code}），{delay:g} 秒后重启\n")
            self.err.flush()
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, MAX_DELAY)  # if it dies again as quickly

    def _signal(self, sig: signal.Signals) -> None:
        with self._lock:
            if self.pid is not None:
                os.kill(self.pid, sig)

    def stop(self, timeout: float) -> None:
        """SIGTERM, then SIGKILL if it has not ended within `timeout` seconds."""
        with self._lock:
            self._stopping.set()
        self._signal(signal.SIGTERM)
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._thread.is_alive():
            self._signal(signal.SIGKILL)
            self._thread.join()
