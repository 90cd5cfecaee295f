"""The change trace reads as Chinese: labels, 是/否, local times, names for ids, JSON spelled
out — for entries written by `snapshot` and for older, hand-made ones alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from dangjian.org.models import Role
from dangjian.trail.changes import _SKIP, changes_chain, snapshot
from dangjian.trail.display import field_label
from dangjian.trail.services import trail_append

_RAW = ("author", "case", "order", "plan", "actor", "assignment", "assessment", "meeting",
        "False", "True", "T08:04", "{'", "[")


@pytest.mark.req("R0.7")
def test_every_traced_field_has_a_chinese_label() -> None:
    ascii_only = [
        f"{m._meta.label_lower}.{f.name}"
        for m in apps.get_models() if m.__module__.startswith("dangjian")
        for f in m._meta.concrete_fields
        if f.name not in _SKIP and field_label(f).isascii()
    ]
    assert ascii_only == []


@pytest.mark.req("R0.7")
def test_trace_page_reads_as_chinese_sentences(county: Any, login: Any) -> None:
    reader = county.user(Role.DISCIPLINE_COMMISSION)
    dept = county.depts[0].unit
    person = county.depts[0].people[0]
    chain = changes_chain(dept.path)
    # As older entries and hand-made dicts carry them: field names, raw JSON values.
    trail_append(chain=chain, actor=reader, action="create",
                 subject_type="responsibility.supervisionnote", subject_id=1,
                 subject_label="督查记录", scope_path=dept.path,
                 after={"author": reader.pk, "kind": "spot", "noted_on": "2026-03-01",
                        "content": "抽查履责纪实"})
    trail_append(chain=chain, actor=reader, action="update", subject_type="org.person",
                 subject_id=person.pk, subject_label=str(person), scope_path=dept.path,
                 before={"后备干部": False, "branch": None},
                 after={"后备干部": True, "branch": person.branch.pk})
    trail_append(chain=chain, actor=reader, action="create",
                 subject_type="responsibility.spotcheck", subject_id=1,
                 subject_label="年度随机抽查", scope_path=dept.path,
                 after={"抽取范围": {"primary": [dept.pk]}, "承诺时间": "2026-03-01T08:04:28.630Z"})
    trail_append(chain=chain, actor=reader, action="create", subject_type="duty_review.agendaitem",
                 subject_id=1, subject_label="议程", scope_path=dept.path,
                 after={"meeting": 999999, "order": 0})
    html = login(reader).get(reverse("trail:change_list")).content.decode()
    assert f"账号：{reader}" in html
    assert "方式：随机抽查" in html and "督查日期：2026-03-01" in html
    assert "后备干部：否" in html and "后备干部：是" in html
    assert "所在党组织：—" in html and f"所在党组织：{person.branch}" in html
    assert f"抽取范围：主体责任清单：{dept.name}" in html
    assert "承诺时间：2026-03-01 16:04" in html  # Beijing time
    assert "述职评议会：999999" in html  # an object no longer there: its id
    assert "排序：0" in html
    cells = html.split("<tbody>", 1)[1]
    for raw in _RAW:
        assert raw not in cells, raw


@pytest.mark.req("R0.7")
def test_snapshot_names_relations_without_a_verbose_name(county: Any) -> None:
    from dangjian.duty_review.models import AgendaItem

    item = AgendaItem(order=2)
    shot = snapshot(item, ["order"])
    assert shot == {"排序": 2}
