"""`dangjian serve --workers N`, run for real: granian's N worker processes on one port, serving the
app and its static files, respawned when one dies, stopped together, refused on a port in use."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dangjian.core.tests.servers import (
    UNSET,
    children,
    first_line,
    free_port,
    gone,
    reap,
    start,
    wait_until,
)

pytestmark = pytest.mark.real_clock  # the servers under test keep the real clock


def _server_env(home: Path) -> dict[str, str]:
    """The server under test runs on its own SQLite file: the suite's DATABASE_URL names a
    database that only exists as the test runner's copy."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    return {**env, "DANGJIAN_HOME": str(home)}


def _start(home: Path, port: int) -> subprocess.Popen[bytes]:
    return start(["--port", str(port), "--workers", "2"], _server_env(home), home / "stderr")


def _get(port: int, path: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.status, r.read()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    proc = _start(tmp_path, port)
    line = first_line(proc)
    assert line.startswith(f"县直机关党建工作系统已启动：http://127.0.0.1:{port}/（2个进程）"), (
        line, (tmp_path / "stderr").read_text())
    seen = set(children(proc.pid))
    yield proc, port
    reap(proc, seen)


def test_workers_serve_the_app_and_stop_together(
        server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = server
    workers = children(proc.pid)
    assert len(workers) == 2
    for _ in range(20):  # fresh connections, spread by the kernel over the workers
        status, body = _get(port, "/healthz")
        assert (status, b'"status": "ok"' in body) == (200, True)
    status, body = _get(port, "/static/dangjian/app.css")  # WhiteNoise, inside the app
    assert status == 200 and body
    proc.terminate()
    assert proc.wait(timeout=30) == 0
    assert all(gone(pid) for pid in workers)
    assert proc.stdout is not None and proc.stdout.read() == "已停止\n".encode()  # said once


def test_a_dead_worker_is_replaced(server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, port = server
    first, second = children(proc.pid)
    os.kill(first, signal.SIGKILL)
    assert wait_until(lambda: len(set(children(proc.pid)) - {first, second}) == 1)
    assert _get(port, "/healthz")[0] == 200
    workers = children(proc.pid)
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    assert proc.wait(timeout=30) == 0
    assert all(gone(pid) for pid in workers)


def test_a_crash_loop_stops_the_server_with_status_1(
        server: tuple[subprocess.Popen[bytes], int], tmp_path: Path) -> None:
    """A worker that dies again within seconds of being respawned is not respawned forever."""
    proc, _ = server
    first, second = children(proc.pid)
    os.kill(first, signal.SIGKILL)
    assert wait_until(lambda: len(set(children(proc.pid)) - {first, second}) == 1)
    (respawned,) = set(children(proc.pid)) - {first, second}
    os.kill(respawned, signal.SIGKILL)
    assert proc.wait(timeout=30) == 1
    assert "服务进程反复意外退出，已停止全部进程" in (tmp_path / "stderr").read_text()
    assert wait_until(lambda: gone(second))


def test_workers_stop_when_the_server_is_killed(
        server: tuple[subprocess.Popen[bytes], int]) -> None:
    proc, _ = server
    workers = children(proc.pid)
    proc.kill()  # SIGKILL: the server cannot pass anything on
    proc.wait()
    assert len(workers) == 2 and wait_until(lambda: all(gone(pid) for pid in workers))


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
