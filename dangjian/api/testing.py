"""Named records the API's scope-matrix entries use (see dangjian.testing.County.objects)."""

from __future__ import annotations

from typing import Any


def matrix_objects(county: Any) -> dict[str, Any]:
    a, b = county.depts[0], county.depts[1]
    # The departments' 党组: no members and no sub-bodies, so they can be dissolved.
    return {"body_lg_own": a.leading_group, "body_lg_other": b.leading_group}
