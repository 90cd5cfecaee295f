"""The schemathesis run's figures in the terminal summary, so CI's log shows them with -q."""

from __future__ import annotations

import pytest

REPORT = pytest.StashKey[list[str]]()


@pytest.fixture
def fuzz_report(request: pytest.FixtureRequest) -> list[str]:
    """Lines for the terminal summary (section "API under schemathesis")."""
    return request.config.stash.setdefault(REPORT, [])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = terminalreporter.config.stash.get(REPORT, [])
    if lines:
        terminalreporter.write_sep("=", "API under schemathesis")
        for line in lines:
            terminalreporter.write_line(line)
