"""Running `dangjian serve` for real in tests: start it, read its first line, find and reap its
processes."""

from __future__ import annotations

import contextlib
import http.client
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

EXE = Path(sys.executable).with_name("dangjian")
#: what a test's server must not inherit from the test run
UNSET = {"DATABASE_URL", "PORT", "WORKERS", "THREADS"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(args: list[str], env: dict[str, str], stderr_path: Path) -> subprocess.Popen[bytes]:
    with stderr_path.open("wb") as stderr:
        return subprocess.Popen([str(EXE), "serve", *args], env=env, stdout=subprocess.PIPE,
                                stderr=stderr)


def first_line(proc: subprocess.Popen[bytes], seconds: float = 60) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], seconds)
    assert ready, f"the server said nothing within {seconds:g} s"
    return proc.stdout.readline().decode()


def children(pid: int) -> list[int]:
    """The child processes of `pid`, whichever of its threads started them."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread just ended
            found += [int(p) for p in (task / "children").read_text().split()]
    return sorted(found)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def wait_until(check: Callable[[], bool], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def reap(proc: subprocess.Popen[bytes], seen: Iterable[int]) -> None:
    """After a test: leave no server, and none of the processes it started, behind."""
    seen = set(seen)
    if proc.poll() is None:  # a failed test
        seen |= set(children(proc.pid))
        proc.kill()
        proc.wait()
    wait_until(lambda: all(gone(pid) for pid in seen), seconds=5)
    for pid in seen:
        with contextlib.suppress(OSError):
            if "dangjian" in cmdline(pid) and not gone(pid):
                os.kill(pid, signal.SIGKILL)


class Browser:
    """One person's browser: its cookies go to whichever server it asks."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}  # names in lower case

    def ask(self, port: int, path: str, form: dict[str, str] | None = None,
            ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("POST" if form is not None else "GET", path, body, headers)
            response = conn.getresponse()
            self.headers = {k.lower(): v for k, v in response.headers.items()}  # the last one's
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.read().decode()
        finally:
            conn.close()
