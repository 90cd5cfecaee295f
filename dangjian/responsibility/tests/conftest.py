from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from dangjian.cycles.services import year_ensure
from dangjian.responsibility.models import LedgerItem, ListStatus
from dangjian.responsibility.services import list_start, list_transition


@pytest.fixture
def year(county: Any) -> Any:
    year_ensure(year=timezone.localdate().year - 1)
    return year_ensure(year=timezone.localdate().year, make_current=True)


@pytest.fixture
def rlist(county: Any, year: Any) -> Any:
    """The first department's 主体责任清单, handed in; the branch secretary (org_secretary
    user) is responsible for every item."""
    dept = county.depts[0]
    rl = list_start(actor=county.user("lg_secretary"), year=year, body=dept.committee)
    LedgerItem.objects.filter(rlist=rl).update(responsible=dept.people[1])
    return list_transition(actor=county.user("lg_secretary"), rlist=rl,
                           to=ListStatus.SUBMITTED)


@pytest.fixture
def item(rlist: Any) -> Any:
    return rlist.items.order_by("order")[0]


def raw(sql: str, params: Any = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def drop_guards() -> None:
    """What someone with database access would do before tampering."""
    if connection.vendor == "postgresql":
        raw("SET LOCAL session_replication_role = replica")  # superuser: triggers off
    else:
        raw("DROP TRIGGER trail_entry_no_update")
        raw("DROP TRIGGER duty_record_no_update")
        raw("DROP TRIGGER trail_checkpoint_no_update")
