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
        violations = _watch_csp(browser)
        try:
            yield browser
            assert violations == [], f"Content-Security-Policy violations: {violations}"
        finally:
            browser.close()
            # ORM calls made while Playwright's loop is active can open a second connection
            # (Django keeps connections per context); close it here, or PostgreSQL refuses to
            # drop the test database at the end of the session.
            connections.close_all()


def _watch_csp(browser: Any) -> list[str]:
    """Every page the test opens reports what the Content-Security-Policy blocked (Chromium
    logs each refusal to the console): a page that needs inline script fails its test."""
    found: list[str] = []

    def watch(page: Any) -> None:
        page.on("console", lambda message: found.append(message.text)
                if "Content Security Policy" in message.text else None)

    new_page, new_context = browser.new_page, browser.new_context

    def page_watched(*args: Any, **kwargs: Any) -> Any:
        page = new_page(*args, **kwargs)
        watch(page)
        return page

    def context_watched(*args: Any, **kwargs: Any) -> Any:
        context = new_context(*args, **kwargs)
        context.on("page", watch)
        return context

    browser.new_page, browser.new_context = page_watched, context_watched
    return found
