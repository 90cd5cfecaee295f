"""The filters of 党建考核's lists, one definition each, read by the page and the API alike."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from ninja import Field

from dangjian.assessment.models import Assessment, Observation
from dangjian.assessment.selectors import DeptRow
from dangjian.core.filters import ListFilter

MAX_ID = 2_147_483_647  # the largest id any database here stores
NO_NUL = r"^[^\x00]*$"  # PostgreSQL stores no NUL character: refused as input


class AssessmentFilter(ListFilter):
    q: str = Field("", max_length=100, pattern=NO_NUL, description="按单位名称查找",
                   examples=["教育"])
    team: int | None = Field(None, ge=1, le=MAX_ID, description="考核组 id", examples=[1])

    def assessments(self, qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
        if self.q:
            qs = qs.filter(Q(unit__name__icontains=self.q) | Q(unit__short_name__icontains=self.q))
        if self.team is not None:
            qs = qs.filter(team_id=self.team)
        return qs

    def rows(self, rows: list[DeptRow]) -> list[DeptRow]:
        ids = set(self.assessments(Assessment.objects.filter(
            pk__in=[r.assessment.pk for r in rows])).values_list("pk", flat=True))
        return [r for r in rows if r.assessment.pk in ids]


class ObservationFilter(ListFilter):
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="单位 id", examples=[12])
    q: str = Field("", max_length=100, pattern=NO_NUL, description="按情况内容查找",
                   examples=["报送"])

    def apply(self, qs: QuerySet[Observation]) -> QuerySet[Observation]:
        if self.unit is not None:
            qs = qs.filter(unit_id=self.unit)
        if self.q:
            qs = qs.filter(content__icontains=self.q)
        return qs
