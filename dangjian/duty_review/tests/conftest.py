from __future__ import annotations

from typing import Any

import pytest

from dangjian.duty_review.testing import published_plan


@pytest.fixture
def plan(county: Any) -> Any:
    return published_plan()
