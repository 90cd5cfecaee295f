"""build_demo on a small county: last year complete, this year in progress (R2.1–R2.9)."""

from __future__ import annotations

import pytest

from dangjian.ballots.selectors import audit
from dangjian.cycles.services import year_ensure
from dangjian.duty_review.demo import build_demo
from dangjian.duty_review.models import CountyEvaluation, DutyReport, Meeting, ReviewPlan
from dangjian.rectification.models import Item, ItemStatus


@pytest.mark.req("R2.3", "R2.7", "R2.8", "R2.9")
def test_build_demo(county):
    year_ensure(year=2025)
    year_ensure(year=2026, make_current=True)
    build_demo(seed=3)
    last, this = ReviewPlan.objects.order_by("year__year")
    assert (last.year.year, this.year.year) == (2025, 2026)
    closed = Meeting.objects.filter(plan=last)
    assert closed.count() >= 3
    for meeting in closed:
        a = audit(meeting.box)
        assert meeting.box.status == "closed" and a.consistent and a.ballots >= 21
        assert meeting.rectification_at is not None
    assert CountyEvaluation.objects.count() == 2
    items = Item.objects.filter(plan__source="duty_review", plan__year=last.year)
    assert items.filter(status=ItemStatus.CLOSED).exists()
    assert items.exclude(status=ItemStatus.CLOSED).exists()
    statuses = set(DutyReport.objects.filter(assignment__plan=this).values_list("status",
                                                                                 flat=True))
    assert "draft" in statuses and len(statuses) >= 3  # in progress: several stages
    lead = DutyReport.objects.filter(assignment__plan=this, assignment__tier="leadership",
                                     versions__isnull=False).first()
    assert lead is not None and "rectification" in lead.versions.last().sections
    assert Meeting.objects.filter(plan=this, box__status="draft").count() == 1
