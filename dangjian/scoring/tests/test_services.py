from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dangjian.cycles.services import year_ensure
from dangjian.scoring.models import Indicator, Score, SetStatus
from dangjian.scoring.services import (
    deduction_add,
    indicator_add,
    indicator_remove,
    indicator_update,
    score_record,
    set_copy,
    set_publish,
    thresholds_set,
)
from dangjian.scoring.tests.conftest import make_set
from dangjian.trail.models import TrailEntry

pytestmark = pytest.mark.req("R1.1")


def _leaf(s, code):
    return Indicator.objects.get(set=s, code=code)


def test_publish_locks_the_set(county):
    actor = county.user("wc_admin")
    s = make_set(county)
    assert s.status == SetStatus.PUBLISHED
    n = Indicator.objects.count()
    with pytest.raises(ValidationError, match="已发布，不能再修改"):
        indicator_add(actor=actor, indicator_set=s, code="C", title="新增", max_points=5)
    with pytest.raises(ValidationError, match="已发布"):
        indicator_update(actor=actor, indicator=_leaf(s, "B"), max_points=Decimal(80))
    with pytest.raises(ValidationError, match="已发布"):
        indicator_remove(actor=actor, indicator=_leaf(s, "A1"))
    with pytest.raises(ValidationError, match="已发布"):
        thresholds_set(actor=actor, indicator_set=s,
                       thresholds={"good": 95, "fairly_good": 85, "average": 70})
    assert Indicator.objects.count() == n and _leaf(s, "B").max_points == 70


def test_publish_refuses_an_incomplete_draft(county):
    actor = county.user("wc_admin")
    s = make_set(county, publish=False)
    indicator_add(actor=actor, indicator_set=s, code="C", title="未设分值")
    with pytest.raises(ValidationError) as exc:
        set_publish(actor=actor, indicator_set=s)
    assert "以下指标未设分值：C" in exc.value.messages
    s.refresh_from_db()
    assert s.status == SetStatus.DRAFT


def test_weighted_set_needs_weights_summing_to_100(county):
    actor = county.user("wc_admin")
    s = make_set(county, publish=False, method="weights")
    indicator_update(actor=actor, indicator=_leaf(s, "B"), weight=Decimal(60))
    with pytest.raises(ValidationError, match=r"权重合计应为100%，现为90"):
        set_publish(actor=actor, indicator_set=s)


def test_thresholds_must_fall(county):
    s = make_set(county, publish=False)
    with pytest.raises(ValidationError, match="依次降低"):
        thresholds_set(actor=county.user("wc_admin"), indicator_set=s,
                       thresholds={"good": 80, "fairly_good": 85, "average": 60})
    with pytest.raises(ValidationError, match="应为数字"):
        thresholds_set(actor=county.user("wc_admin"), indicator_set=s,
                       thresholds={"good": "九十", "fairly_good": 85, "average": 60})


def test_duplicate_code_is_refused(county):
    s = make_set(county, publish=False)
    with pytest.raises(ValidationError, match="编号“B”已被使用"):
        indicator_add(actor=county.user("wc_admin"), indicator_set=s, code="B", title="重复")


@pytest.mark.req("R1.3")
def test_score_rules_and_trace(county, scored_set):
    actor = county.user("wc_admin")
    b = _leaf(scored_set, "B")
    with pytest.raises(ValidationError, match=r"得分应在0至70\.00分之间"):
        score_record(actor=actor, indicator=b, subject_key="body:1", value="71", reason="好")
    with pytest.raises(ValidationError, match="请填写“B”的评分理由"):
        score_record(actor=actor, indicator=b, subject_key="body:1", value="60", reason=" ")
    with pytest.raises(ValidationError, match="得分应为数字"):
        score_record(actor=actor, indicator=b, subject_key="body:1", value="abc", reason="x")
    with pytest.raises(ValidationError, match="末级指标"):
        score_record(actor=actor, indicator=_leaf(scored_set, "A"), subject_key="body:1",
                     value="5", reason="x")
    assert not Score.objects.exists()
    before = TrailEntry.objects.count()
    score_record(actor=actor, indicator=b, subject_key="body:1", value="60", reason="记录完整",
                 scope_path="/1/")
    score_record(actor=actor, indicator=b, subject_key="body:1", value="65.5", reason="复核加分",
                 scope_path="/1/")
    score = Score.objects.get()
    assert score.value == Decimal("65.50") and score.reason == "复核加分"
    last = TrailEntry.objects.order_by("-pk").first()
    assert TrailEntry.objects.count() == before + 2
    assert last.before == {"得分": "60.00", "评分理由": "记录完整"}
    assert last.after["得分"] == "65.50" and last.actor_id == actor.pk


def test_scores_need_a_published_set(county):
    s = make_set(county, publish=False)
    with pytest.raises(ValidationError, match="尚未发布"):
        score_record(actor=county.user("wc_admin"), indicator=_leaf(s, "B"),
                     subject_key="body:1", value=1, reason="x")


def test_deduction_rules(county, scored_set):
    actor = county.user("wc_admin")
    with pytest.raises(ValidationError, match="扣分应大于0"):
        deduction_add(actor=actor, indicator_set=scored_set, subject_key="body:1", points=0,
                      reason="x")
    with pytest.raises(ValidationError, match="请填写扣分理由"):
        deduction_add(actor=actor, indicator_set=scored_set, subject_key="body:1", points=2,
                      reason="")
    d = deduction_add(actor=actor, indicator_set=scored_set, subject_key="body:1", points="2.5",
                      reason="违纪案件")
    assert d.points == Decimal("2.50")


def test_copy_to_a_new_year_keeps_tree_thresholds_and_lineage(county, scored_set):
    new = set_copy(actor=county.user("wc_admin"), source=scored_set,
                   year=year_ensure(year=2026), title="2026体系")
    assert new.status == SetStatus.DRAFT and new.copied_from == scored_set
    codes = dict(new.indicators.values_list("code", "parent__code"))
    assert codes == {"A": None, "A1": "A", "A2": "A", "B": None}
    assert _leaf(new, "B").copied_from == _leaf(scored_set, "B")
    assert _leaf(new, "A1").evidence_methods == ["听取汇报"]
    assert dict(new.thresholds.values_list("grade", "min_total")) == {
        "good": Decimal(90), "fairly_good": Decimal(80), "average": Decimal(60)}
    # The copy is a draft: it can be edited while last year's stays locked.
    indicator_update(actor=county.user("wc_admin"), indicator=_leaf(new, "B"),
                     max_points=Decimal(60))
    assert _leaf(scored_set, "B").max_points == 70
