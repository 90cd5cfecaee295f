"""Named records for the scope matrix: '*_own' in the first department (the 机关党委 and the
机关纪委 of 县教育局), '*_other' in the second."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from dangjian.core.grades import Grade
from dangjian.cycles.services import year_ensure
from dangjian.responsibility.models import LedgerItem, ListStatus, Stage
from dangjian.responsibility.services import (
    case_open,
    commendation_add,
    evaluation_set,
    list_start,
    list_transition,
    note_add,
    record_add,
    spotcheck_commit,
    spotcheck_draw,
)
from dangjian.testing import TINY_PNG


class Day:
    """A date for an API entry's request data (`data = { occurred_on = "day_today" }`): the
    matrix runner sends a named object's `pk`, and these dates move with the clock."""

    def __init__(self, day: dt.date) -> None:
        self.pk = day.isoformat()


def matrix_objects(county: Any) -> dict[str, Any]:
    year = year_ensure(year=timezone.localdate().year, make_current=True)
    today = timezone.localdate()
    last = year_ensure(year=year.year - 1)
    jiwei, wc = county.user("discipline"), county.user("wc_admin")
    out: dict[str, Any] = {}
    for suffix, dept in (("own", county.depts[0]), ("other", county.depts[1])):
        rlist = list_start(actor=None, year=year, body=dept.committee, check_scope=False)
        # The committee has no secretary post in the test county: the branch secretary (the
        # org_secretary user's person in the first department) is responsible for every item.
        LedgerItem.objects.filter(rlist=rlist).update(responsible=dept.people[1])
        list_transition(actor=None, rlist=rlist, to=ListStatus.SUBMITTED, check_scope=False)
        item = rlist.items.order_by("order")[0]
        record = record_add(actor=None, item=item, summary="召开党委会专题学习", occurred_on=today,
                            progress=50, files=[("会议照片.png", TINY_PNG)], check_scope=False)
        slist = list_start(actor=None, year=year, body=dept.discipline, check_scope=False)
        case = case_open(actor=jiwei, year=year, body=dept.committee, problem="纪实不及时",
                         stage=Stage.REMIND, held_on=today, by_whom="县纪委", whom="书记",
                         content="提醒按时记录纪实")
        out.update({
            f"resp_org_{suffix}": dept.committee,
            f"resp_disc_{suffix}": dept.discipline,
            f"rlist_{suffix}": rlist,
            f"slist_{suffix}": slist,
            f"ritem_{suffix}": item,
            f"sitem_{suffix}": slist.items.order_by("order").first(),
            f"record_{suffix}": record,
            f"note_{suffix}": note_add(actor=wc, year=year, body=dept.committee,
                                       content="检查台账", noted_on=today),
            f"evaluation_{suffix}": evaluation_set(actor=jiwei, year=year, body=dept.committee,
                                                   grade=Grade.GOOD, opinion="履责到位"),
            f"commendation_{suffix}": commendation_add(actor=jiwei, year=year,
                                                       body=dept.committee, reason="纪实规范"),
            f"case_{suffix}": case,
            f"step_{suffix}": case.steps.get(),
        })
    # Editable lists for the API's writes (a page shows a refusal as a message, the API as a
    # 422): last year's 主体责任清单 of the first department, handed in and sent back; and the
    # second department's 监督责任清单, handed in for 县纪委 to review.
    dept = county.depts[0]
    returned = list_start(actor=None, year=last, body=dept.committee, check_scope=False)
    LedgerItem.objects.filter(rlist=returned).update(responsible=dept.people[1])
    list_transition(actor=None, rlist=returned, to=ListStatus.SUBMITTED, check_scope=False)
    list_transition(actor=None, rlist=returned, to=ListStatus.RETURNED, opinion="措施需量化",
                    check_scope=False)
    slist_other = out["slist_other"]
    LedgerItem.objects.filter(rlist=slist_other).update(responsible=county.depts[1].people[4])
    list_transition(actor=None, rlist=slist_other, to=ListStatus.SUBMITTED, check_scope=False)
    out.update({
        "rlist_returned_own": returned,
        "ritem_returned_own": returned.items.order_by("order")[0],
        "day_today": Day(today), "day_year_end": Day(year.ends),
        "day_last_year_end": Day(last.ends),
    })
    pending = spotcheck_commit(actor=jiwei, year=year, title="抽查（待抽取）", strata={"all": 1})
    drawn = spotcheck_draw(actor=jiwei, check=spotcheck_commit(
        actor=jiwei, year=year, title="抽查（已抽取）", strata={"all": 4}))
    targets = {t.body_id: t for t in drawn.targets.all()}
    out.update({
        "spotcheck_own": pending, "spotcheck_other": drawn,
        "target_own": targets[county.depts[0].committee.pk],
        "target_other": targets[county.depts[1].committee.pk],
    })
    return out
