"""Which process runs a job, and whether it is still alive.

A worker names itself `host:pid:start-time`. On the same host the recovery asks the kernel
(a killed worker is seen at once, and a reused pid has another start time); a worker on
another host is judged by the job's heartbeat alone."""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(") ", 1)[-1].split()
    if fields and fields[0] in {"Z", "X"}:  # a zombie has finished
        return None
    return fields[19] if len(fields) > 19 else "?"


@cache
def identity() -> str:
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid) or '?'}"


def alive(worker: str) -> bool | None:
    """True/False when the worker ran on this host; None when it cannot be told from here."""
    try:
        host, pid_text, started = worker.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return None
    if host != socket.gethostname():
        return None
    if not Path("/proc").is_dir():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    now = _start_time(pid)
    return now is not None and (started == "?" or now == started)
