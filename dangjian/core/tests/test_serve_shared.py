"""Two app servers, one database: two `dangjian serve` processes on different ports, each with
a DANGJIAN_HOME of its own (as on two machines), given the same keys in the environment and no
demo mark. A session begun on one is good on the other, and a ballot code is one code: printed
through either, accepted by the other, and once used on one, refused as used on the other.

They run on the test database itself (PostgreSQL or the SQLite file, as the suite does), whose
rows the test commits (transactional_db)."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from dangjian.ballots.models import Ballot
from dangjian.ballots.services import box_create
from dangjian.core.tests.servers import (
    UNSET,
    Browser,
    children,
    first_line,
    free_port,
    reap,
    start,
)
from dangjian.testing import PASSWORD, build_county

pytestmark = pytest.mark.real_clock  # a worker or server process keeps the real clock

KEYS = tuple(settings.KEYS)  # every key the settings require
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _env(home: Path, keys: dict[str, str]) -> dict[str, str]:
    drop = {*UNSET, "DANGJIAN_DEMO", "DEBUG", *KEYS, *(f"{k}_FALLBACKS" for k in KEYS)}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    # the test's users carry the fast test hash, which a server accepts only when told to
    return {**env, **keys, "DANGJIAN_HOME": str(home), "DATABASE_URL": _database_url(),
            "DANGJIAN_FAST_HASHER": "1"}


@pytest.fixture
def two_servers(transactional_db: None, tmp_path: Path) -> Iterator[tuple[int, int]]:
    keys = {name: secrets.token_urlsafe(50) for name in KEYS}
    running: list[tuple[subprocess.Popen[bytes], list[int]]] = []
    ports = []
    try:
        for name in ("a", "b"):
            home = tmp_path / name
            home.mkdir()
            port = free_port()
            proc = start(["--port", str(port), "--threads", "2"], _env(home, keys),
                         home / "stderr")
            running.append((proc, []))
            assert "已启动" in first_line(proc), (home / "stderr").read_text()
            running[-1][1].extend(children(proc.pid))
            ports.append(port)
        yield ports[0], ports[1]
    finally:
        for proc, seen in running:  # stopped before the test database is flushed
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
            reap(proc, seen)


def _sheet(box: object) -> dict[str, str]:
    return {f"c_{c.pk}": "good" for c in box.candidates.all()}  # type: ignore[attr-defined]


def test_two_servers_accept_each_others_sessions_and_codes(
        two_servers: tuple[int, int]) -> None:
    a, b = two_servers
    county = build_county()
    box = box_create(actor=None, title="两台服务器", purpose="test", owner_body=county.root,
                     candidates=[("张三", "", ""), ("李四", "", "")], check_scope=False)

    chair = Browser()
    assert chair.ask(a, "/accounts/login/")[0] == 200
    status, _ = chair.ask(a, "/accounts/login/", {"username": "t_wc_admin",
                                                   "password": PASSWORD})
    assert status == 302 and "sessionid" in chair.cookies
    status, page = chair.ask(b, "/")  # the session begun on A (without one: 302 to login)
    assert status == 200 and "退出" in page
    status, page = chair.ask(b, f"/ballots/{box.pk}/")
    assert status == 200 and "两台服务器" in page

    status, sheet_b = chair.ask(b, f"/ballots/{box.pk}/codes/", {"count": "2"})  # printed on B
    printed_on_b = sorted(set(CODE.findall(sheet_b)))
    assert status == 200 and len(printed_on_b) == 2
    status, sheet_a = chair.ask(a, f"/ballots/{box.pk}/codes/", {"count": "1"})  # and on A
    (printed_on_a,) = set(CODE.findall(sheet_a))
    assert status == 200
    assert chair.ask(a, f"/ballots/{box.pk}/open/", {})[0] == 302

    rater = Browser()  # a phone: no session
    form = _sheet(box)
    status, page = rater.ask(a, f"/b/{box.token}/", {"code": printed_on_b[0], **form})
    assert status == 200 and "回执码" in page
    status, page = rater.ask(b, f"/b/{box.token}/", {"code": printed_on_b[0], **form})
    assert status == 409 and "已提交" in page  # used on A, refused on B
    status, page = rater.ask(b, f"/b/{box.token}/", {"code": printed_on_a, **form})
    assert status == 200 and "回执码" in page
    status, page = rater.ask(a, f"/b/{box.token}/", {"code": printed_on_a, **form})
    assert status == 409 and "已提交" in page
    status, page = rater.ask(b, f"/b/{box.token}/", {"code": "ABCD-EFGH-JKLM", **form})
    assert status == 409 and "票码无效" in page  # unknown: told like a used one
    assert Ballot.objects.filter(box=box).count() == 2
