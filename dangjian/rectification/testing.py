"""Named records the rectification API's scope-matrix entries use (see
dangjian.testing.County.objects): beside item_own/item_other (not started), an item awaiting
verification in each department's plan, so that the verifier's moves have an item to act on."""

from __future__ import annotations

from typing import Any

from dangjian.org.models import Role
from dangjian.rectification.models import ItemStatus, Plan
from dangjian.rectification.services import item_add, transition


def matrix_objects(county: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for suffix, dept in (("own", county.depts[0]), ("other", county.depts[1])):
        plan = Plan.objects.get(source="test", owner_body=dept.branches[0])
        item = item_add(actor=None, plan=plan, problem="制度执行不到位", deadline=plan.year.ends,
                        check_scope=False)
        out[f"item_submitted_{suffix}"] = transition(
            actor=county.user(Role.WORK_COMMITTEE_ADMIN), item=item, to=ItemStatus.SUBMITTED,
            note="已整改完毕")
    return out
