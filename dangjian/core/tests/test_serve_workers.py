"""`dangjian serve --workers N`: N waitress processes on one port, stopped together."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _server_env(home: Path) -> dict[str, str]:
    """The server under test runs on its own SQLite file: the suite's DATABASE_URL names a
    database that only exists as the test runner's copy."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "DANGJIAN_HOME": str(home)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_workers_share_the_port_and_stop_together(tmp_path: Path) -> None:
    port = _free_port()
    exe = Path(sys.executable).with_name("dangjian")
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--workers", "2"],
                            env=_server_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert line.startswith(f"县直机关党建工作系统已启动：http://127.0.0.1:{port}/（2个进程）")
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert len(children) == 2
        for _ in range(8):  # fresh connections, spread by the kernel over the workers
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
                assert r.status == 200
        proc.terminate()
        assert proc.wait(timeout=15) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in children)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _gone(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z"
    except (FileNotFoundError, ProcessLookupError):
        return True


def test_workers_stop_when_the_parent_is_killed(tmp_path: Path) -> None:
    port = _free_port()
    exe = Path(sys.executable).with_name("dangjian")
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port), "--workers", "2"],
                            env=_server_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    proc.stdout.readline()
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    proc.kill()  # SIGKILL: the parent cannot pass anything on
    proc.wait()
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(children) == 2 and all(_gone(pid) for pid in children)


def test_workers_report_a_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=rf"无法在 127\.0\.0\.1:{port} 上启动"):
            call_command("serve", "--port", str(port), "--workers", "2", stdout=io.StringIO())
    with pytest.raises(CommandError, match="进程数应至少为1"):
        call_command("serve", "--workers", "0", stdout=io.StringIO())
