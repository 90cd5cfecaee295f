"""随机抽查: the draw from a committed seed is reproducible by anyone; findings become
rectification items."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.rectification.models import Item, Plan
from dangjian.responsibility.models import SpotCheckTarget, TargetResult
from dangjian.responsibility.services import spotcheck_commit, spotcheck_draw, target_record
from dangjian.responsibility.services.spotcheck import draw, published, spotcheck_reproduce


def _sm3(text: str) -> str:
    return hashlib.new("sm3", text.encode()).hexdigest()


@pytest.mark.req("R3.4")
def test_the_seed_is_committed_before_and_revealed_after(county, year):
    jiwei = county.user("discipline")
    check = spotcheck_commit(actor=jiwei, year=year, title="一季度抽查",
                             strata={"primary": 1, "supervisory": 1}, seed="公开种子-2026")
    before = published(check)
    assert "种子" not in before and before["种子承诺SM3"] == _sm3("公开种子-2026")
    check = spotcheck_draw(actor=jiwei, check=check)
    after = published(check)
    assert after["种子"] == "公开种子-2026"
    assert {k: len(v) for k, v in after["抽中"].items()} == {"primary": 1, "supervisory": 1}
    assert check.targets.count() == 2
    with pytest.raises(ValidationError, match="不能重新抽取"):
        spotcheck_draw(actor=jiwei, check=check)


@pytest.mark.req("R3.4")
def test_anyone_can_rerun_the_draw_from_the_published_data(county, year):
    jiwei = county.user("discipline")
    check = spotcheck_draw(actor=jiwei, check=spotcheck_commit(
        actor=jiwei, year=year, title="抽查", strata={"all": 2}))
    data = json.loads(json.dumps(published(check), ensure_ascii=False))
    # An independent re-implementation from the published description, with plain hashlib.
    assert _sm3(data["种子"]) == data["种子承诺SM3"]
    population = data["抽取范围"]["all"]
    ranked = sorted(population, key=lambda b: _sm3(f"{data['种子']}:all:{b}"))
    assert ranked[:2] == data["抽中"]["all"]
    assert spotcheck_reproduce(check) == (True, True)
    # The same seed and population always give the same list; another seed another order.
    assert draw(check.seed, check.population, check.strata) == check.drawn
    orders = {tuple(draw(f"s{i}", {"all": population}, {"all": 4})["all"]) for i in range(20)}
    assert len(orders) > 1


@pytest.mark.req("R3.4")
def test_bad_spot_check_input(county, year):
    jiwei = county.user("discipline")
    for strata, message in (({"primary": 0}, "请填写抽取数量"), ({"primary": 5}, "超过范围"),
                            ({"all": 1, "primary": 1}, "不能与分层"), ({"x": 1}, "未知")):
        with pytest.raises(ValidationError, match=message):
            spotcheck_commit(actor=jiwei, year=year, title="抽查", strata=strata)
    with pytest.raises(PermissionDenied):
        spotcheck_commit(actor=county.user("wc_admin"), year=year, title="抽查",
                         strata={"all": 1})


@pytest.mark.req("R3.4", "R3.5")
def test_findings_become_rectification_items(county, year):
    jiwei = county.user("discipline")
    check = spotcheck_draw(actor=jiwei, check=spotcheck_commit(
        actor=jiwei, year=year, title="抽查", strata={"all": 4}))
    clean, bad = list(check.targets.order_by("pk"))[:2]
    with pytest.raises(ValidationError, match="整改时限"):
        target_record(actor=jiwei, target=bad, findings="查台账", problems=["纪实不及时"])
    with pytest.raises(PermissionDenied):
        target_record(actor=county.user("wc_admin"), target=bad, findings="x", problems=[])
    target_record(actor=jiwei, target=clean, findings="纪实完整", problems=[])
    bad = target_record(actor=jiwei, target=bad, findings="查台账",
                        problems=["纪实不及时", "", "佐证不全"], deadline=year.ends)
    assert SpotCheckTarget.objects.get(pk=clean.pk).result == TargetResult.CLEAN
    assert bad.result == TargetResult.PROBLEMS
    plan = Plan.objects.get(pk=bad.plan_id)
    assert plan.source == "responsibility" and plan.owner_body_id == bad.body_id
    assert plan.verifier_body == county.discipline_commission
    assert list(Item.objects.filter(plan=plan).values_list("problem", flat=True)) == [
        "纪实不及时", "佐证不全"]
    with pytest.raises(ValidationError, match="已经记录"):
        target_record(actor=jiwei, target=bad, findings="再查", problems=[])
