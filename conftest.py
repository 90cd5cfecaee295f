from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).parent / "test-artifacts"))


TODAY_ENV = "DANGJIAN_TEST_TODAY"
CHINA = ZoneInfo("Asia/Shanghai")


def _moment(value: str) -> dt.datetime:
    """An ISO date (10:00 in the county, office hours) or an ISO moment (China time if naive)."""
    moment = dt.datetime.fromisoformat(value)
    if len(value) <= 10:
        moment = moment.replace(hour=10)
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


@pytest.fixture(scope="session", autouse=True)
def _session_today() -> Iterator[None]:
    """DANGJIAN_TEST_TODAY=2026-12-01 runs the whole session on that day, the clock ticking.

    Session-wide, so module- and session-scoped fixtures (the demo county) are built on that day
    too. Unset: the real clock.
    """
    value = os.environ.get(TODAY_ENV, "")
    if not value:
        yield
        return
    with time_machine.travel(_moment(value), tick=True):
        yield


@pytest.fixture(autouse=True)
def _today(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test's own `today` marker fixes its day; browser and `real_clock` tests keep real time.

    Runs before the test's other function fixtures, so the years and deadlines they create
    follow it. Browser tests and tests marked `real_clock` run other processes (Chromium, a
    server, a worker) that keep the real clock, so under DANGJIAN_TEST_TODAY this process goes
    back to the real time for them.
    """
    marker = request.node.get_closest_marker("today")
    if marker is not None:
        destination: dt.datetime | float = _moment(str(marker.args[0]))
    elif os.environ.get(TODAY_ENV) and (request.node.get_closest_marker("browser")
                                        or request.node.get_closest_marker("real_clock")):
        destination = time_machine.escape_hatch.time.time()
    else:
        yield
        return
    with time_machine.travel(destination, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Path) -> None:
    # Argon2 is deliberately slow; tests use a fast hasher. Uploaded files go to a temp dir.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.TRAIL_WITNESS_PATH = tmp_path / "trail-witness.log"  # each test its own witness


@pytest.fixture(autouse=True)
def _sqlite_connection_anew(request: pytest.FixtureRequest) -> None:
    """A test whose data other processes read (committed: transactional) starts on a new
    SQLite connection. A connection that outlived earlier tests may have lost its file locks
    (a descriptor to the file closed elsewhere in this process drops them); a child process
    closing its own connection would then take itself for the last one and delete the
    write-ahead log under it."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    from django.db import connections

    if connections["default"].vendor == "sqlite":
        connections.close_all()


@pytest.fixture
def county(db: None, request: pytest.FixtureRequest) -> Any:
    """`build_county()`'s county. Written back from a copy of its rows after the first time
    (`county_copy`), except for a test on a fixed day (its clock goes back to the same moment
    each time, so its own rows would come before the copy's)."""
    from dangjian.testing import build_county, county_copy

    if request.node.get_closest_marker("today") is not None:
        return build_county()
    return county_copy()


@pytest.fixture
def login(client: Any) -> Any:
    """login(user) -> a Django test client logged in as that user."""

    def _login(user: Any) -> Any:
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# The schemathesis run's figures (tests/api_fuzz) at the end of the log, so CI's -q output shows
# them. The test writes them to a file: under pytest-xdist it runs in a worker, and only this
# controller process writes the terminal summary.
FUZZ_SUMMARY = ARTIFACTS / "api-fuzz" / "summary.txt"
FUZZ_BEFORE = pytest.StashKey[int | None]()


def _fuzz_written() -> int | None:
    return FUZZ_SUMMARY.stat().st_mtime_ns if FUZZ_SUMMARY.exists() else None


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[FUZZ_BEFORE] = _fuzz_written()  # the clock may be travelling: no time


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    written = _fuzz_written()
    if written is not None and written != config.stash.get(FUZZ_BEFORE, None):
        terminalreporter.write_sep("=", "API under schemathesis")
        for line in FUZZ_SUMMARY.read_text(encoding="utf-8").splitlines():
            terminalreporter.write_line(line)
