"""Browser tests: a real Chromium (never downloaded) driven by Playwright's sync API.

Without /usr/bin/chromium the tests are skipped on a developer's machine but fail in CI
(CI=true), so a broken CI image cannot pass silently.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is None:
        return
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} not found"
    elif importlib.util.find_spec("playwright") is None:
        problem = "playwright is not installed"
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser test cannot run in CI: {problem}", pytrace=False)
    pytest.skip(f"browser test skipped: {problem}")


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch: Any) -> None:
    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
    # the test's own ORM calls (build_county, assertions) as "async-unsafe".
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def chromium() -> Any:
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()
            # ORM calls made while Playwright's loop is active can open a second connection
            # (Django keeps connections per context); close it here, or PostgreSQL refuses to
            # drop the test database at the end of the session.
            connections.close_all()
