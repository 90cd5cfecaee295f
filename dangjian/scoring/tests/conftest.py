from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dangjian.cycles.services import year_ensure
from dangjian.scoring.services import indicator_add, set_create, set_publish, thresholds_set


def make_set(county: Any, *, year: int = 2025, publish: bool = True,
             method: str = "points") -> Any:
    """两级指标: A (A1 10分, A2 20分), B 70分; 好≥90, 较好≥80, 一般≥60."""
    actor = county.user("wc_admin")
    s = set_create(actor=actor, purpose="test", year=year_ensure(year=year), title=f"{year}体系",
                   owner_body=county.work_committee, method=method)
    a = indicator_add(actor=actor, indicator_set=s, code="A", title="政治建设")
    indicator_add(actor=actor, indicator_set=s, code="A1", title="学习", parent=a,
                  max_points=10, weight=10, evidence_methods=["听取汇报"])
    indicator_add(actor=actor, indicator_set=s, code="A2", title="落实", parent=a,
                  max_points=20, weight=20)
    indicator_add(actor=actor, indicator_set=s, code="B", title="组织建设", max_points=70,
                  weight=70, guidance="查阅会议记录")
    thresholds_set(actor=actor, indicator_set=s,
                   thresholds={"good": Decimal(90), "fairly_good": 80, "average": "60"})
    if publish:
        s = set_publish(actor=actor, indicator_set=s)
    return s


@pytest.fixture
def scored_set(county: Any) -> Any:
    return make_set(county)
