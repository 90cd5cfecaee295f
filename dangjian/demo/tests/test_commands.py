"""The console commands without the demo county: refusals, serve, the hyphenated names."""

from __future__ import annotations

import io
import json
import socket
import sys
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from dangjian.org.models import Body
from dangjian.runner import command_line, main


@pytest.mark.req("R0.9")
def test_demo_data_leaves_a_database_with_other_data_alone(county: Any) -> None:
    before = Body.objects.count()
    out = io.StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert "未创建" in out.getvalue()
    with pytest.raises(CommandError, match="已有其他数据"):
        call_command("demo_data", "--seed", "3", stdout=io.StringIO())
    assert Body.objects.count() == before


@pytest.mark.django_db
def test_demo_accounts_before_the_demo_is_built() -> None:
    out = io.StringIO()
    call_command("demo_accounts", "--json", stdout=out)
    assert json.loads(out.getvalue()) == []
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert "dangjian demo-data" in out.getvalue()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def serve_env(monkeypatch: Any) -> Any:
    """No PORT, WORKERS or THREADS from the environment the tests happen to run in."""
    for name in ("PORT", "WORKERS", "THREADS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_serve_gives_granian_its_settings(serve_env: Any) -> None:
    """What granian is told to run; running it for real is in core/tests/test_serve_workers.py."""
    from granian.constants import Interfaces
    from granian.server import MPServer

    made: list[dict[str, Any]] = []

    def record(server: Any, *args: Any, **kwargs: Any) -> None:
        made.append({"address": server.bind_addr, "port": server.bind_port,
                     "workers": server.workers, "threads": server.blocking_threads,
                     "wsgi": server.interface == Interfaces.WSGI,
                     "access_log": server.log_access, "respawn": server.respawn_failed_workers})

    serve_env.setattr(MPServer, "serve", record)
    port = _free_port()
    serve_env.setenv("PORT", str(port))
    out = io.StringIO()
    call_command("serve", stdout=out)
    assert made[-1] == {"address": "127.0.0.1", "port": port, "workers": 1, "threads": 8,
                        "wsgi": True, "access_log": False, "respawn": True}
    assert out.getvalue().splitlines() == ["已停止"]
    serve_env.setenv("WORKERS", "3")
    serve_env.setenv("THREADS", "4")
    call_command("serve", "--host", "0.0.0.0", "--port", str(port), stdout=io.StringIO())
    assert (made[-1]["address"], made[-1]["workers"], made[-1]["threads"]) == ("0.0.0.0", 3, 4)
    call_command("serve", "--host", "localhost", "--workers", "2", "--threads", "1",
                 stdout=io.StringIO())  # granian takes addresses only; the name is resolved
    assert made[-1]["address"] in {"127.0.0.1", "::1"}
    assert (made[-1]["workers"], made[-1]["threads"]) == (2, 1)


@pytest.mark.parametrize(("env", "args", "message"), [
    ({"PORT": "八千"}, [], "环境变量 PORT 应为端口号"),
    ({"WORKERS": "two"}, [], "环境变量 WORKERS 应为进程数"),
    ({"THREADS": "8.5"}, [], "环境变量 THREADS 应为线程数"),
    ({}, ["--workers", "0"], "进程数应至少为1"),
    ({}, ["--threads", "0"], "线程数应至少为1"),
    ({}, ["--port", "70000"], "端口号应在 1 到 65535 之间"),
])
def test_serve_refuses_bad_settings(serve_env: Any, env: dict[str, str], args: list[str],
                                    message: str) -> None:
    for name, value in env.items():
        serve_env.setenv(name, value)
    with pytest.raises(CommandError, match=message):
        call_command("serve", *args, stdout=io.StringIO())


def test_serve_reports_a_port_in_use(serve_env: Any) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=rf"无法在 127\.0\.0\.1:{port} 上启动：.+"):
            call_command("serve", "--port", str(port), stdout=io.StringIO())


def test_hyphenated_command_names() -> None:
    assert command_line(["dangjian", "demo-data", "--seed", "2"]) == [
        "dangjian", "demo_data", "--seed", "2"]
    assert command_line(["dangjian", "help", "send-reminders"]) == [
        "dangjian", "help", "send_reminders"]
    assert command_line(["dangjian", "migrate", "demo-data"]) == [
        "dangjian", "migrate", "demo-data"]


@pytest.mark.django_db
def test_dangjian_demo_accounts_runs_through_the_entry_point(
    monkeypatch: Any, capsys: Any
) -> None:
    # run_from_argv closes the connections when done; the test database has to outlive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    monkeypatch.setattr(sys, "argv", ["dangjian", "demo-accounts", "--json"])
    main()
    assert json.loads(capsys.readouterr().out) == []
