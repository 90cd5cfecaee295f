"""`dangjian serve --workers N`, run for real: granian's N worker processes on one port, serving the
app and its static files, respawned when one dies, stopped together, refused on a port in use."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

EXE = Path(sys.executable).with_name("dangjian")
pytestmark = pytest.mark.real_clock  # the servers under test keep the real clock


def _server_env(home: Path) -> dict[str, str]:
    """The server under test runs on its own SQLite file: the suite's DATABASE_URL names a
    database that only exists as the test runner's copy."""
    unset = {"DATABASE_URL", "PORT", "WORKERS", "THREADS"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return {**env, "DANGJIAN_HOME": str(home)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(home: Path, port: int) -> subprocess.Popen[bytes]:
    with (home / "stderr").open("wb") as stderr:
        return subprocess.Popen([str(EXE), "serve", "--port", str(port), "--workers", "2"],
                                env=_server_env(home), stdout=subprocess.PIPE, stderr=stderr)


def _first_line(proc: subprocess.Popen[bytes]) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    assert ready, "the server said nothing within 60 s"
    return proc.stdout.readline().decode()


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def _wait_until(check: Callable[[], bool], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def _get(port: int, path: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.status, r.read()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    proc = _start(tmp_path, port)
    line = _first_line(proc)
    assert line.startswith(f"县直机关党建工作系统已启动：http://127.0.0.1:{port}/（2个进程）"), (
        line, (tmp_path / "stderr").read_text())
    seen = set(_children(proc.pid))
    yield proc, port
    if proc.poll() is None:  # a failed test: leave no server behind
        seen |= set(_children(proc.pid))
        proc.kill()
        proc.wait()
    _wait_until(lambda: all(_gone(pid) for pid in seen), seconds=5)
    for pid in seen:  # workers a failed test left running
        with contextlib.suppress(OSError):
            if b"serve" in Path(f"/proc/{pid}/cmdline").read_bytes() and not _gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_workers_serve_the_app_and_stop_together(
        server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = server
    workers = _children(proc.pid)
    assert len(workers) == 2
    for _ in range(20):  # fresh connections, spread by the kernel over the workers
        status, body = _get(port, "/healthz")
        assert (status, b'"status": "ok"' in body) == (200, True)
    status, body = _get(port, "/static/dangjian/app.css")  # WhiteNoise, inside the app
    assert status == 200 and body
    proc.terminate()
    assert proc.wait(timeout=30) == 0
    assert all(_gone(pid) for pid in workers)


def test_a_dead_worker_is_replaced(server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = server
    first, second = _children(proc.pid)
    os.kill(first, signal.SIGKILL)
    assert _wait_until(lambda: len(set(_children(proc.pid)) - {first, second}) == 1)
    assert _get(port, "/healthz")[0] == 200
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    assert proc.wait(timeout=30) == 0
    assert all(_gone(pid) for pid in workers)


def test_workers_stop_when_the_server_is_killed(
        server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, _ = server
    workers = _children(proc.pid)
    proc.kill()  # SIGKILL: the server cannot pass anything on
    proc.wait()
    assert len(workers) == 2 and _wait_until(lambda: all(_gone(pid) for pid in workers))


def test_a_port_in_use_is_refused(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # as a granian server's is
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _start(tmp_path, port)
        assert proc.wait(timeout=60) != 0
    assert proc.stdout is not None and proc.stdout.read() == b""
    assert f"无法在 127.0.0.1:{port} 上启动" in (tmp_path / "stderr").read_text()
