"""A child process the server keeps running beside it (`dangjian serve --worker`): restarted
when it dies, stopped with the server, and ended by the kernel if the server is killed outright.

The child is started through a small Python guard that asks the kernel (Linux prctl
PR_SET_PDEATHSIG) for SIGTERM when its parent dies, then execs the real command; the request
survives exec. (subprocess's preexec_fn could do the same, but is unsafe in a process with
threads, which the server is.) The child runs in its own session, so a Ctrl-C in the terminal
reaches only the server, which then stops it in order."""

from __future__ import annotations

import os
import subprocess
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
    """`argv` kept running from start() until stop(); a death is reported on `stderr`."""

    def __init__(self, argv: list[str], label: str, stderr: IO[str]) -> None:
        self.argv = argv
        self.label = label
        self.err = stderr
        self.proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._keep_running, name=label, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._lock:  # stop() cannot slip in between the check and the start
            if self._stopping.is_set():
                return None
            self.proc = subprocess.Popen(
                [sys.executable, "-c", GUARD, str(os.getpid()), *self.argv],
                start_new_session=True)
            return self.proc

    def _keep_running(self) -> None:
        # The kernel's parent-death signal follows the thread that started the child, so this
        # thread starts every one and lives as long as they may.
        delay = 1.0
        while (proc := self._spawn()) is not None:
            born = time.monotonic()
            code = proc.wait()
            if self._stopping.is_set():
                return
            delay = min(delay * 2, MAX_DELAY) if time.monotonic() - born < QUICK_DEATH else 1.0
            self.err.write(f"{self.label}意外退出（退出码 {code}），{delay:g} 秒后重启\n")
            self.err.flush()
            if self._stopping.wait(delay):
                return

    def stop(self, timeout: float) -> None:
        """SIGTERM, then SIGKILL if it has not ended within `timeout` seconds."""
        with self._lock:
            self._stopping.set()
            proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._thread.is_alive():
            self._thread.join(timeout)
