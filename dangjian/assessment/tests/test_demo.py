from __future__ import annotations

import pytest
from django.utils import timezone

from dangjian.assessment.demo import build_demo
from dangjian.assessment.models import (
    Assessment,
    FeedbackStatus,
    Hearing,
    Interview,
    Judgement,
    ReportStatus,
    Scheme,
    SiteVisit,
    SpecialReport,
)
from dangjian.ballots.models import Ballot
from dangjian.cycles.services import year_ensure
from dangjian.evidence.services import evidence_for
from dangjian.scoring.models import Score, SetStatus


@pytest.mark.req("R1.1", "R1.2", "R1.3", "R1.4", "R1.5")
def test_build_demo_last_year_complete_this_year_in_progress(county):
    today = timezone.localdate()
    previous = year_ensure(year=today.year - 1)
    current = year_ensure(year=today.year, make_current=True)
    build_demo(seed=7)
    last, this = Scheme.objects.get(year=previous), Scheme.objects.get(year=current)
    assert last.set_leading_group.status == SetStatus.PUBLISHED
    assert this.set_leading_group.copied_from == last.set_leading_group
    done = Assessment.objects.filter(scheme=last)
    assert done.count() == 2
    for a in done:
        assert Hearing.objects.filter(assessment=a).exists()
        assert Interview.objects.filter(assessment=a).exists()
        visit = SiteVisit.objects.get(assessment=a)
        assert evidence_for(visit).exists()
        assert Ballot.objects.filter(box=a.box).count() >= 10
        assert Judgement.objects.filter(assessment=a).count() == 1 + a.leaders.count()
        assert a.feedback.status in (FeedbackStatus.SENT, FeedbackStatus.ACKNOWLEDGED)
    assert SpecialReport.objects.get(scheme=last).status == ReportStatus.ISSUED
    assert Score.objects.filter(set=this.set_leading_group).exists()
    assert not Judgement.objects.filter(assessment__scheme=this).exists()
