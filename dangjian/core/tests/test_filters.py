"""ListFilter: one definition read the same way from a page's query string and by the API."""

import datetime as dt

import pytest
from django.http import QueryDict
from ninja import Field

from dangjian.core.filters import ListFilter
from dangjian.org.models import PoliticalStatus


class Sample(ListFilter):
    q: str = Field("", description="关键词")
    status: PoliticalStatus | None = Field(None, description="政治面貌")
    on: dt.date | None = Field(None, description="日期")
    include_left: bool = Field(False, description="含已调离")
    body: list[int] = Field(default_factory=list, description="组织")


@pytest.mark.req("X.3")
def test_a_query_string_round_trips_through_the_filter():
    query = QueryDict("q=+张+&status=member&on=2026-03-01&include_left=true&body=3&body=5")
    filters = Sample.from_query(query)
    assert (filters.q, filters.status, filters.on, filters.include_left, filters.body) == (
        "张", PoliticalStatus.MEMBER, dt.date(2026, 3, 1), True, [3, 5])
    assert filters.ignored == []
    assert Sample.from_query(QueryDict(filters.to_query())) == filters


@pytest.mark.req("X.3")
def test_a_bad_value_on_a_page_is_dropped_and_named_not_a_crash():
    filters = Sample.from_query(QueryDict("q=李&status=nonsense&on=2026-13-40&page=2"))
    assert (filters.q, filters.status, filters.on) == ("李", None, None)
    assert sorted(filters.ignored) == ["政治面貌", "日期"]
    assert Sample.from_query(QueryDict("status=")).status is None
    assert Sample.from_query(QueryDict("")).to_query() == ""
