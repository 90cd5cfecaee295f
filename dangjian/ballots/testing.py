"""Named records the ballots API's scope-matrix entries use (dangjian.testing.County.objects):
beside the draft boxes box_own/box_other, an open box (with two unused codes) and a closed box
in each department, so that closing, voiding and reading a result meet a box in the state
they need."""

from __future__ import annotations

from typing import Any

from dangjian.ballots.services import box_close, box_create, box_open, codes_issue


def matrix_objects(county: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for suffix, dept in (("own", county.depts[0]), ("other", county.depts[1])):
        for state in ("open", "closed"):
            box = box_create(actor=None, title=f"测评{state}{suffix}", purpose="test",
                             owner_body=dept.branches[0], candidates=[("甲", "", "")],
                             check_scope=False)
            codes_issue(actor=None, box=box, count=2, check_scope=False)
            box = box_open(actor=None, box=box, check_scope=False)
            if state == "closed":
                box = box_close(actor=None, box=box, check_scope=False)
            out[f"box_{state}_{suffix}"] = box
    return out
