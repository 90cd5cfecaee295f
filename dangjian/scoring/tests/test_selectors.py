from __future__ import annotations

from decimal import Decimal

import pytest

from dangjian.cycles.services import year_ensure
from dangjian.scoring import selectors
from dangjian.scoring.models import Indicator
from dangjian.scoring.services import (
    deduction_add,
    indicator_add,
    indicator_update,
    score_record,
    set_copy,
    thresholds_set,
)
from dangjian.scoring.tests.conftest import make_set

pytestmark = pytest.mark.req("R1.3")


def _leaf(s, code):
    return Indicator.objects.get(set=s, code=code)


def _score(user, s, key, **values):
    for code, value in values.items():
        score_record(actor=user, indicator=_leaf(s, code), subject_key=key, value=value,
                     reason="依据材料")


def test_totals_average_assessors_then_add_leaves_less_deductions(county, scored_set):
    a, b = county.user("wc_admin"), county.user("org_dept")
    _score(a, scored_set, "body:1", A1=10, A2=20, B=60)  # 90
    _score(b, scored_set, "body:1", A1=8, B=70)  # A1 avg 9, A2 20 (a only), B avg 65
    _score(a, scored_set, "body:2", A1=5, A2=10, B=50)  # 65
    deduction_add(actor=a, indicator_set=scored_set, subject_key="body:2", points=6,
                  reason="通报批评")
    deduction_add(actor=a, indicator_set=scored_set, subject_key="body:3", points=1, reason="x")
    result = selectors.totals(scored_set)
    assert result["body:1"].total == Decimal("94.00")
    assert result["body:1"].grade == "good" and result["body:1"].scored_leaves == 3
    assert result["body:2"].scored == Decimal("65.00")
    assert result["body:2"].total == Decimal("59.00") and result["body:2"].grade == "poor"
    assert result["body:3"].total == Decimal("-1.00")
    only = selectors.totals(scored_set, ["body:2"])
    assert list(only) == ["body:2"]


def test_weighted_totals(county):
    s = make_set(county, method="weights")
    user = county.user("wc_admin")
    # A1 weight 10, A2 20, B 70; each scored out of 100.
    _score(user, s, "body:1", A1=100, A2=50, B=80)
    assert selectors.totals(s)["body:1"].total == Decimal("76.00")  # 10 + 10 + 56
    assert selectors.totals(s)["body:1"].grade == "average"


def test_totals_use_a_fixed_number_of_queries(county, scored_set, django_assert_num_queries):
    user = county.user("wc_admin")
    _score(user, scored_set, "body:1", A1=1)
    with django_assert_num_queries(4):
        selectors.totals(scored_set)
    for i in range(2, 30):
        _score(user, scored_set, f"body:{i}", A1=5, B=i)
    with django_assert_num_queries(4):
        result = selectors.totals(scored_set)
    assert len(result) == 29


def test_breakdown_explains_each_leaf(county, scored_set):
    a, b = county.user("wc_admin"), county.user("org_dept")
    _score(a, scored_set, "body:1", A1=10, B=60)
    _score(b, scored_set, "body:1", A1=6)
    deduction_add(actor=a, indicator_set=scored_set, subject_key="body:1", points=3, reason="x")
    bd = selectors.breakdown(scored_set, "body:1")
    rows = {r.indicator.code: r for r in bd.leaves}
    assert rows["A1"].average == Decimal("8.00") and len(rows["A1"].scores) == 2
    assert rows["A2"].average is None and rows["A2"].lost == 20
    assert bd.total == Decimal("65.00") and bd.full_marks == 100


@pytest.mark.req("R1.1")
def test_replay_draft_on_last_years_scores(county, scored_set):
    user = county.user("wc_admin")
    _score(user, scored_set, "body:1", A1=10, A2=20, B=56)  # 86: 较好
    _score(user, scored_set, "body:2", A1=5, A2=10, B=35)  # 50: 差
    draft = set_copy(actor=user, source=scored_set, year=year_ensure(year=2026))
    # The new year halves B and adds a new leaf C worth 35; the bar for 好 drops to 85.
    indicator_update(actor=user, indicator=_leaf(draft, "B"), max_points=Decimal(35))
    indicator_add(actor=user, indicator_set=draft, code="C", title="作风建设", max_points=35)
    thresholds_set(actor=user, indicator_set=draft,
                   thresholds={"good": 85, "fairly_good": 75, "average": 50})
    rows = {r.subject_key: r for r in selectors.replay(draft=draft, source=scored_set)}
    one = rows["body:1"]
    # A1 100%, A2 100%, B 80% of 35 = 28; C at the overall share (58/65) of 35 = 31.23
    assert one.old_total == Decimal("86.00") and one.old_grade == "fairly_good"
    assert one.new_total == Decimal("89.23") and one.new_grade == "good" and one.changed
    assert rows["body:2"].new_grade == "average"
