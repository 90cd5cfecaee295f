"""The console commands without the demo county: refusals, serve, the hyphenated names."""

from __future__ import annotations

import io
import json
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
    with pytest.raises(CommandError, match="已有其他组织机构数据"):
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


class FakeServer:
    """Stands in for waitress's server: records how it was made, returns at once."""

    made: dict[str, Any] = {}

    def __init__(self, app: Any, **kwargs: Any) -> None:
        FakeServer.made = {"app": app, **kwargs}
        self.ran = False

    def run(self) -> None:
        FakeServer.made["ran"] = True

    def close(self) -> None:
        FakeServer.made["closed"] = True


def test_serve_announces_itself_then_runs_waitress(monkeypatch: Any) -> None:
    import waitress

    monkeypatch.setattr(waitress, "create_server", FakeServer)
    monkeypatch.setenv("PORT", "8123")
    out = io.StringIO()
    call_command("serve", stdout=out)
    assert out.getvalue().splitlines()[0] == "县直机关党建工作系统已启动：http://127.0.0.1:8123/"
    made = FakeServer.made
    assert (made["host"], made["port"], made["threads"]) == ("127.0.0.1", 8123, 8)
    assert made["ran"] and made["closed"] and callable(made["app"])
    call_command("serve", "--port", "9001", "--host", "0.0.0.0", stdout=io.StringIO())
    assert (FakeServer.made["host"], FakeServer.made["port"]) == ("0.0.0.0", 9001)


def test_serve_reports_a_port_in_use(monkeypatch: Any) -> None:
    import waitress

    def refuse(app: Any, **kwargs: Any) -> None:
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(waitress, "create_server", refuse)
    with pytest.raises(CommandError, match=r"无法在 127\.0\.0\.1:8000 上启动"):
        call_command("serve", "--port", "8000", stdout=io.StringIO())


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
