from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dangjian.jobs.testing import start_worker, stop_worker

Start = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def home(tmp_path: Path, settings: Any) -> Path:
    """The worker's DANGJIAN_HOME: its MEDIA_ROOT (home/files) is the test's."""
    settings.MEDIA_ROOT = tmp_path / "files"
    return tmp_path


@pytest.fixture
def worker(transactional_db: None, home: Path) -> Iterator[Start]:
    """start() -> a real `dangjian worker` process on the test database (started on demand,
    stopped after the test)."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(*extra: str) -> subprocess.Popen[bytes]:
        proc = start_worker(home, "--kinds", "dangjian.jobs.tests.kinds", *extra,
                            name=f"worker{len(procs)}")
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        stop_worker(proc)


@pytest.fixture
def users(transactional_db: None, django_user_model: Any) -> tuple[Any, Any]:
    make = django_user_model.objects.create_user
    return (make(username="owner", password="x", first_name="提交人"),
            make(username="other", password="x", first_name="别人"))
