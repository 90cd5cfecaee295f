"""Lists and ledgers: drafted from the policy, own measures added, handed in, reviewed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.cycles.services import window_set
from dangjian.responsibility import selectors
from dangjian.responsibility.models import LedgerItem, ListKind, ListStatus, ResponsibilityList
from dangjian.responsibility.policy import PRIMARY_POINTS, SUPERVISORY_POINTS
from dangjian.responsibility.services import item_add, item_update, list_start, list_transition
from dangjian.responsibility.services.common import WINDOW_KEY
from dangjian.trail.models import TrailEntry


def _policy_text() -> str:
    from pathlib import Path

    policy = Path(__file__).resolve().parents[3] / "docs" / "policy.txt"
    return policy.read_text(encoding="utf-8")


@pytest.mark.req("R3.1")
def test_the_policy_points_are_the_policys_own_words():
    assert len(PRIMARY_POINTS) == 5 and len(SUPERVISORY_POINTS) == 4
    text = _policy_text().replace("\n", "")
    for point in PRIMARY_POINTS + SUPERVISORY_POINTS:
        assert point.content in text, point.code


@pytest.mark.req("R3.1", "R3.2")
def test_each_organisation_drafts_its_kind_of_list_from_the_policy(county, year):
    dept = county.depts[0]
    primary = list_start(actor=county.user("lg_secretary"), year=year, body=dept.committee)
    supervisory = list_start(actor=county.user("disc_member"), year=year, body=dept.discipline)
    assert primary.kind == ListKind.PRIMARY and supervisory.kind == ListKind.SUPERVISORY
    assert [i.content for i in primary.items.order_by("order")] == [
        p.content for p in PRIMARY_POINTS]
    assert supervisory.items.count() == 4
    item = supervisory.items.order_by("order")[0]
    assert item.targets and item.measures and item.deadline == year.ends
    # The 机关纪委's 纪检委员 is its default responsible person.
    assert item.responsible == dept.people[4]
    # Starting again returns the same list.
    again = list_start(actor=county.user("lg_secretary"), year=year, body=dept.committee)
    assert again.pk == primary.pk


@pytest.mark.req("R3.2")
def test_only_list_keeping_bodies_and_only_their_own_editors(county, year):
    dept = county.depts[0]
    with pytest.raises(ValidationError, match="只有机关党组织"):
        list_start(actor=county.user("lg_secretary"), year=year, body=dept.branches[0])
    with pytest.raises(PermissionDenied):  # 党组书记 does not write the 纪检's list
        list_start(actor=county.user("lg_secretary"), year=year, body=dept.discipline)
    with pytest.raises(PermissionDenied):  # nor 县纪委
        list_start(actor=county.user("discipline"), year=year, body=dept.committee)
    with pytest.raises(PermissionDenied):  # nor another department's secretary
        list_start(actor=county.user("lg_secretary"), year=year, body=county.depts[1].committee)
    assert not ResponsibilityList.objects.exists()


@pytest.mark.req("R3.2", "R6.2")
def test_own_measures_beside_the_policy_points(county, year):
    dept = county.depts[0]
    rl = list_start(actor=county.user("lg_secretary"), year=year, body=dept.committee)
    own = item_add(actor=county.user("lg_secretary"), rlist=rl, content="开展“党建+业务”品牌创建",
                   targets="形成1个品牌", measures="季度推进", deadline=year.ends,
                   responsible=dept.people[0])
    assert own.is_own and own.order == 6
    assert not rl.items.order_by("order")[0].is_own


@pytest.mark.req("R3.2")
def test_bad_item_input_gets_chinese_messages_and_changes_nothing(county, year):
    dept = county.depts[0]
    rl = list_start(actor=county.user("lg_secretary"), year=year, body=dept.committee)
    traced = TrailEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        item_add(actor=county.user("lg_secretary"), rlist=rl, content="", targets="t",
                 measures="m", deadline=year.starts - dt.timedelta(days=1))
    assert "请填写责任内容" in str(exc.value) and "不能早于" in str(exc.value)
    with pytest.raises(ValidationError, match="本单位在职人员"):
        item_add(actor=county.user("lg_secretary"), rlist=rl, content="c", targets="t",
                 measures="m", deadline=year.ends, responsible=county.depts[1].people[0])
    item = rl.items.order_by("order")[0]
    with pytest.raises(ValidationError, match="不能早于"):
        item_update(actor=county.user("lg_secretary"), item=item, content="改", targets="t",
                    measures="m", deadline=dt.date(year.year - 1, 12, 1), responsible=None)
    item.refresh_from_db()
    assert item.content != "改" and rl.items.count() == 5
    assert TrailEntry.objects.count() == traced


@pytest.mark.req("R3.2")
def test_review_send_back_with_opinions_then_accept(county, year):
    dept = county.depts[0]
    sec, wc, jiwei = county.user("lg_secretary"), county.user("wc_admin"), county.user("discipline")
    rl = list_start(actor=sec, year=year, body=dept.committee)
    with pytest.raises(ValidationError, match="未明确责任人"):
        list_transition(actor=sec, rlist=rl, to=ListStatus.SUBMITTED)
    LedgerItem.objects.filter(rlist=rl).update(responsible=dept.people[1])
    rl = list_transition(actor=sec, rlist=rl, to=ListStatus.SUBMITTED)
    with pytest.raises(ValidationError):  # no editing while under review
        item_add(actor=sec, rlist=rl, content="c", targets="t", measures="m",
                 deadline=year.ends)
    with pytest.raises(PermissionDenied, match="县直机关工委审核"):
        list_transition(actor=jiwei, rlist=rl, to=ListStatus.ACCEPTED)
    with pytest.raises(PermissionDenied):  # the owner cannot accept its own list
        list_transition(actor=sec, rlist=rl, to=ListStatus.ACCEPTED)
    with pytest.raises(ValidationError, match="修改意见"):
        list_transition(actor=wc, rlist=rl, to=ListStatus.RETURNED)
    rl = list_transition(actor=wc, rlist=rl, to=ListStatus.RETURNED, opinion="措施要量化")
    assert rl.review_opinion == "措施要量化"
    item_add(actor=sec, rlist=rl, content="季度党课", targets="4次", measures="书记讲党课",
             deadline=year.ends, responsible=dept.people[1])
    rl = list_transition(actor=sec, rlist=rl, to=ListStatus.SUBMITTED)
    rl = list_transition(actor=wc, rlist=rl, to=ListStatus.ACCEPTED, opinion="同意")
    assert rl.status == ListStatus.ACCEPTED
    assert [(r.status_from, r.status_to) for r in rl.reviews.all()] == [
        ("draft", "submitted"), ("submitted", "returned"), ("returned", "submitted"),
        ("submitted", "accepted")]


@pytest.mark.req("R3.2")
def test_supervisory_lists_are_reviewed_by_the_discipline_commission(county, year):
    dept = county.depts[0]
    rl = list_start(actor=county.user("disc_member"), year=year, body=dept.discipline)
    rl = list_transition(actor=county.user("disc_member"), rlist=rl, to=ListStatus.SUBMITTED)
    with pytest.raises(PermissionDenied, match="县纪委审核"):
        list_transition(actor=county.user("wc_admin"), rlist=rl, to=ListStatus.ACCEPTED)
    rl = list_transition(actor=county.user("discipline"), rlist=rl, to=ListStatus.ACCEPTED)
    assert rl.status == ListStatus.ACCEPTED


@pytest.mark.req("R3.2")
def test_late_units_are_visible(county, year):
    now = timezone.now()
    window_set(year=year, key=WINDOW_KEY, title="清单报送", opens_at=now - dt.timedelta(days=30),
               closes_at=now - dt.timedelta(days=1))
    dept = county.depts[0]
    rl = list_start(actor=county.user("lg_secretary"), year=year, body=dept.committee)
    LedgerItem.objects.filter(rlist=rl).update(responsible=dept.people[1])
    rl = list_transition(actor=county.user("lg_secretary"), rlist=rl, to=ListStatus.SUBMITTED)
    assert rl.submitted_late
    rows = {r.body.pk: r for r in selectors.overview(user=county.user("discipline"), year=year,
                                                     now=now)}
    assert rows[dept.committee.pk].late  # handed in after the deadline
    assert rows[county.depts[1].committee.pk].late and rows[county.depts[1].committee.pk].rlist \
        is None  # never handed in
    # Before the deadline nobody is late yet.
    early = selectors.overview(user=county.user("discipline"), year=year,
                               now=now - dt.timedelta(days=10))
    assert not any(r.late for r in early if r.rlist is None)


@pytest.mark.req("R3.2")
def test_a_window_not_yet_open_refuses_with_its_opening_time(county, year):
    now = timezone.now()
    window_set(year=year, key=WINDOW_KEY, title="清单报送", opens_at=now + dt.timedelta(days=2),
               closes_at=now + dt.timedelta(days=30))
    dept = county.depts[0]
    rl = list_start(actor=county.user("lg_secretary"), year=year, body=dept.committee)
    LedgerItem.objects.filter(rlist=rl).update(responsible=dept.people[1])
    with pytest.raises(ValidationError, match="尚未开始"):
        list_transition(actor=county.user("lg_secretary"), rlist=rl, to=ListStatus.SUBMITTED)
    rl.refresh_from_db()
    assert rl.status == ListStatus.DRAFT


@pytest.mark.req("R3.2")
def test_overview_lists_every_list_keeping_organisation_in_scope(county, year):
    wide = selectors.overview(user=county.user("discipline"), year=year, now=timezone.now())
    assert {r.body.pk for r in wide} == {
        b.pk for d in county.depts for b in (d.committee, d.discipline)}
    own = selectors.overview(user=county.user("lg_secretary"), year=year, now=timezone.now())
    assert {r.body.pk for r in own} == {county.depts[0].committee.pk,
                                        county.depts[0].discipline.pk}
