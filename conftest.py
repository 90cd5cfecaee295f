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


def _travel_destination(node: pytest.Item) -> dt.datetime | None:
    """The moment a test starts at: its `today` marker, else DANGJIAN_TEST_TODAY, else now.

    Browser tests and tests marked `real_clock` (they run other processes, which keep the real
    clock) ignore DANGJIAN_TEST_TODAY; a `today` marker they carry still applies to this process.
    """
    marker = node.get_closest_marker("today")
    if marker is not None:
        value = str(marker.args[0])
    else:
        value = os.environ.get(TODAY_ENV, "")
        if not value or node.get_closest_marker("browser") or node.get_closest_marker(
                "real_clock"):
            return None
    moment = dt.datetime.fromisoformat(value)
    if len(value) <= 10:  # a bare date: 10:00 in the county, in office hours
        moment = moment.replace(hour=10)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _today(request: pytest.FixtureRequest) -> Iterator[None]:
    # Runs before the test's other fixtures, so the years and deadlines they create follow it.
    destination = _travel_destination(request.node)
    if destination is None:
        yield
        return
    with time_machine.travel(destination, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Path) -> None:
    # Argon2 is deliberately slow; tests use a fast hasher. Uploaded files go to a temp dir.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def county(db: None) -> Any:
    from dangjian.testing import build_county

    return build_county()


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
