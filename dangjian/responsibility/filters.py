"""The module's list filters, one definition each, read by the page, its export and the API
(`dangjian.core.filters.ListFilter`). A page reads `X.from_query(request.GET)`; the API takes
`Query[X]`, so a page's URL, its export link and an API call carry the same parameters."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field

from dangjian.core.filters import ListFilter
from dangjian.core.grades import Grade
from dangjian.core.years import selected_year
from dangjian.cycles.models import Year
from dangjian.responsibility.models import (
    Case,
    Evaluation,
    ListKind,
    ListStatus,
    ResponsibilityList,
    Stage,
)
from dangjian.responsibility.selectors import OrgRow

NO_LIST = "none"


class YearFilter(ListFilter):
    year: int | None = Field(None, ge=1949, le=2100, description="年度（默认当前选择的年度）",
                             examples=[2026])

    def year_of(self, request: HttpRequest, *, strict: bool = False) -> Year:
        """The year asked for, else the one selected in the switcher (the current year). An
        unknown year is a 404 when `strict` (the API), else falls back (a page)."""
        if self.year is not None:
            year = Year.objects.filter(year=self.year).first()
            if year is not None:
                return year
            if strict:
                raise Http404(f"所选年度（{self.year}年）不存在或不在您的权限范围内")
        return selected_year(request)


class OverviewFilter(YearFilter):
    """The 两个责任 overview (the module's index page, its Excel export, the API)."""

    kind: ListKind | None = Field(None, description="责任类型", examples=["primary"])
    status: ListStatus | Literal["none"] | None = Field(
        None, description="清单状态（none：未编制）", examples=["submitted"])
    late: bool | None = Field(None, description="是否逾期报送", examples=[False])
    q: str = Field("", max_length=100, description="按组织名称查找", examples=["教育局"])

    def apply(self, rows: list[OrgRow]) -> list[OrgRow]:
        out = rows
        if self.kind is not None:
            supervisory = self.kind == ListKind.SUPERVISORY
            out = [r for r in out if (r.body.kind == "organ_discipline") == supervisory]
        if self.status == NO_LIST:
            out = [r for r in out if r.rlist is None]
        elif self.status is not None:
            out = [r for r in out if r.rlist is not None and r.rlist.status == self.status]
        if self.late is not None:
            out = [r for r in out if r.late == self.late]
        if self.q.strip():
            out = [r for r in out if self.q.strip() in r.body.name]
        return out


class ListsFilter(YearFilter):
    kind: ListKind | None = Field(None, description="责任类型", examples=["supervisory"])
    status: ListStatus | None = Field(None, description="清单状态", examples=["accepted"])
    q: str = Field("", max_length=100, description="按组织名称查找", examples=["卫生健康"])

    def apply(self, qs: QuerySet[ResponsibilityList]) -> QuerySet[ResponsibilityList]:
        if self.kind is not None:
            qs = qs.filter(kind=self.kind)
        if self.status is not None:
            qs = qs.filter(status=self.status)
        if self.q.strip():
            qs = qs.filter(body__name__contains=self.q.strip())
        return qs


class RecordPeriod(YearFilter):
    """An organisation's 纪实 over a period: its 纪实 report (page and API) and record list."""

    start: dt.date | None = Field(None, description="开始日期（默认年度开始）",
                                  examples=["2026-01-01"])
    end: dt.date | None = Field(None, description="结束日期（默认今天，不超过年度末）",
                                examples=["2026-06-30"])

    def period(self, year: Year) -> tuple[dt.date, dt.date]:
        start = self.start or year.starts
        end = self.end or min(year.ends, timezone.localdate())
        return (end, start) if end < start else (start, end)


class CaseFilter(YearFilter):
    stage: Stage | None = Field(None, description="当前阶段", examples=["talk"])
    q: str = Field("", max_length=100, description="按组织名称、问题查找", examples=["纪实"])

    def apply(self, qs: QuerySet[Case]) -> QuerySet[Case]:
        if self.stage is not None:
            qs = qs.filter(stage=self.stage)
        if self.q.strip():
            q = self.q.strip()
            qs = qs.filter(Q(body__name__contains=q) | Q(problem__contains=q))
        return qs


class EvaluationFilter(YearFilter):
    grade: Grade | None = Field(None, description="考评等次", examples=["good"])

    def apply(self, qs: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
        return qs.filter(grade=self.grade) if self.grade is not None else qs
