"""A real streaming replica (DATABASE_REPLICA_URL): list pages read from it, a user's reads right
after their own write stay on the primary, /healthz shows its lag, and a replica that stops
leaves the pages working on the primary.

`scripts/pg-replica up` makes a primary and its replica (two clusters of their own, ports 5434
and 5433); the county the test builds is copied onto that primary with pg_dump, and a
`dangjian serve` runs on the pair. Replay is paused on the replica to tell its reads apart: a
person added while it is paused is on the primary only."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from dangjian.core.tests.servers import (
    UNSET,
    Browser,
    children,
    first_line,
    free_port,
    reap,
    start,
    wait_until,
)
from dangjian.org.models import Body, BodyKind
from dangjian.testing import PASSWORD, build_county

pytestmark = pytest.mark.real_clock  # a server process keeps the real clock

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "pg-replica"
PRIMARY, REPLICA = "postgres://postgres@127.0.0.1:5434/dangjian", \
    "postgres://postgres@127.0.0.1:5433/dangjian"


def _psql(port: int, sql: str, db: str = "dangjian") -> str:
    return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", db,
                           "-Atc", sql], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def pair(transactional_db: None) -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("a streaming replica is PostgreSQL's")
    if not shutil.which("pg_createcluster") or os.geteuid() != 0:
        pytest.skip("needs Debian's postgresql-common and root to make the clusters")
    subprocess.run(["sh", str(SCRIPT), "up"], check=True, timeout=300)
    try:
        yield
    finally:
        subprocess.run(["sh", str(SCRIPT), "down"], check=False, timeout=120)


@pytest.fixture
def server(pair: None, tmp_path: Path) -> Iterator[int]:
    """The test's county, copied onto the pair's primary, served with the replica beside it."""
    build_county()
    db = connection.settings_dict
    _psql(5434, "CREATE DATABASE dangjian", db="postgres")
    dump = subprocess.Popen(["pg_dump", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"]
                             or 5432), "-U", db["USER"], "-Fc", db["NAME"]], stdout=subprocess.PIPE)
    subprocess.run(["pg_restore", "-h", "127.0.0.1", "-p", "5434", "-U", "postgres", "--no-owner",
                    "-d", "dangjian"], stdin=dump.stdout, check=True)
    assert dump.wait() == 0
    # the demo mark: the county's test accounts keep their published password here; the keys:
    # this run's, which sealed the county's ID numbers
    env = {k: v for k, v in os.environ.items() if k not in {*UNSET, "DEBUG"}}
    env.update({name: str(getattr(settings, name)) for name in settings.KEYS})
    env.update(DANGJIAN_HOME=str(tmp_path), DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA,
               DANGJIAN_DEMO="1", DANGJIAN_FAST_HASHER="1", DANGJIAN_REPLICA_PIN_SECONDS="600",
               DANGJIAN_REPLICA_CHECK_SECONDS="0.2")
    port = free_port()
    proc = start(["--port", str(port), "--threads", "2"], env, tmp_path / "stderr")
    seen: list[int] = []
    try:
        assert "已启动" in first_line(proc), (tmp_path / "stderr").read_text()
        seen.extend(children(proc.pid))
        yield port
    finally:
        print((tmp_path / "stderr").read_text()[-6000:])  # shown when the test fails
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
        reap(proc, seen)


def _replica(port: int) -> dict[str, object]:
    status, body = Browser().ask(port, "/healthz")
    assert status == 200
    health = json.loads(body)
    assert health["status"] == "ok"  # the primary serves whatever the replica does
    return dict(health["replica"])


def _login(port: int, username: str) -> Browser:
    browser = Browser()
    browser.ask(port, "/accounts/login/")
    status, _ = browser.ask(port, "/accounts/login/", {"username": username, "password": PASSWORD})
    assert status == 302 and "sessionid" in browser.cookies
    return browser


def _lists(browser: Browser, port: int, name: str, read_from: str | None = None) -> bool:
    """Does the people list the browser gets show this person (a row, not the search box)?"""
    status, page = browser.ask(port, f"/org/people/?q={quote(name)}")
    assert status == 200, page[:500]
    if read_from is not None:
        assert browser.headers.get("x-read-from", "default") == read_from
    return f">{name}</a>" in page


def test_list_pages_read_the_replica_but_never_hide_a_users_own_write(server: int) -> None:
    port = server
    assert wait_until(lambda: _replica(port).get("lag_bytes") == 0, seconds=60), _replica(port)

    writer = _login(port, "t_wc_admin")
    assert "dj_primary" in writer.cookies  # the login was a write: this browser reads the primary
    reader = _login(port, "t_org_dept")
    del reader.cookies["dj_primary"]  # as the browser does once the pin's max-age has passed
    unit = Body.objects.filter(kind=BodyKind.UNIT).order_by("pk").first()
    assert unit is not None

    _psql(5433, "SELECT pg_wal_replay_pause()")
    name = "副本测试甲"
    status, _ = writer.ask(port, "/org/people/new/", {
        "name": name, "gender": "M", "political_status": "masses", "unit": str(unit.pk)})
    assert status == 302
    assert _lists(writer, port, name, "default")  # the writer's own list: the primary, at once
    assert not _lists(reader, port, name, "replica")  # another user's: the paused replica
    assert wait_until(lambda: int(str(_replica(port)["lag_bytes"])) > 0), _replica(port)

    _psql(5433, "SELECT pg_wal_replay_resume()")
    assert wait_until(lambda: _lists(reader, port, name), seconds=60)
    assert wait_until(lambda: _replica(port).get("lag_bytes") == 0, seconds=60)

    subprocess.run(["sh", str(SCRIPT), "stop"], check=True, timeout=120)
    assert wait_until(lambda: _replica(port)["status"] == "down"), _replica(port)
    assert _lists(reader, port, name, "default")  # the replica gone: the page, from the primary
    status, page = reader.ask(port, "/org/posts/")
    assert status == 200 and "任职" in page
