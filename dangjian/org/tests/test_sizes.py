"""The org pages cost the same however large the registry: the same number of queries and a
page of the same size for a county and for one with five times its departments (R0.1–R0.3).

The levels' and pages' limits are made small here so that both sizes are past them, as a real
county is past the real ones."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.org.models import Body, BodyKind
from dangjian.org.views import bodies, body_picker, people, posts
from dangjian.testing import _dept

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bodies, "TREE_LIMIT", 3)
    monkeypatch.setattr(bodies, "TABLE_PAGE", 3)
    monkeypatch.setattr(bodies, "CHILDREN_SHOWN", 3)
    monkeypatch.setattr(body_picker, "PICK_LIMIT", 3)
    monkeypatch.setattr(people, "PAGE_SIZE", 3)
    monkeypatch.setattr(posts, "PAGE_SIZE", 3)


def _pages(county: Any) -> dict[str, str]:
    root, dept = county.root, county.depts[0].unit
    return {
        "tree": reverse("org:tree"),
        "tree at a body": f"{reverse('org:tree')}?body={dept.pk}",
        "tree searching": f"{reverse('org:tree')}?body={root.pk}&q=局&include_ended=true",
        "tree on a day": f"{reverse('org:tree')}?body={root.pk}&on=2025-06-30",
        "tree level": f"{reverse('org:tree_nodes')}?parent={root.pk}",
        "people": reverse("org:person_list"),
        "people of a body": f"{reverse('org:person_list')}?body={root.pk}",
        "posts": f"{reverse('org:post_list')}?current=false",
        "body page": reverse("org:body_detail", args=[root.pk]),
        "picker search": f"{reverse('org:body_pick')}?q=局",
        "picker top": reverse("org:body_pick"),
        "picker level": f"{reverse('org:body_pick')}?parent={root.pk}",
    }


def _measure(client: Any, pages: dict[str, str]) -> dict[str, tuple[int, int]]:
    out = {}
    for label, url in pages.items():
        client.get(url)  # the session's first request reads more (grants, year)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, label
        out[label] = (len(queries.captured_queries), len(response.content))
    return out


def _grow(county: Any, n: int) -> None:
    """n more departments (a unit, its party organisations, six people each), with names as
    long as the first ones'."""
    for i in range(n):
        _dept(county.root, f"县测{chr(0x4E00 + 0x100 + i)}局")


@pytest.mark.req("R0.1")
def test_the_org_pages_cost_the_same_at_five_times_the_bodies(county, login, small_limits):
    client = login(county.user("wc_admin"))
    before = Body.objects.count()
    small = _measure(client, _pages(county))
    _grow(county, 10)
    assert Body.objects.count() >= 4 * before
    large = _measure(client, _pages(county))
    for label, (queries, size) in small.items():
        assert large[label][0] == queries, f"{label}: {queries} → {large[label][0]} queries"
        assert large[label][1] <= size * 1.1 + 200, f"{label}: {size} → {large[label][1]} bytes"


@pytest.mark.req("R0.1")
def test_the_picker_finds_only_bodies_in_the_readers_scope(county, login):
    other = county.depts[1]
    client = login(county.user("lg_secretary"))  # the first department's 党组书记
    found = client.get(reverse("org:body_pick"), {"q": other.unit.name})
    assert found.status_code == 200
    assert "data-body-pick" not in found.content.decode()
    assert "未找到" in found.content.decode()
    own = client.get(reverse("org:body_pick"), {"q": county.depts[0].unit.name}).content.decode()
    assert f'data-body-pick="{county.depts[0].unit.pk}"' in own
    assert client.get(reverse("org:body_pick"), {"parent": other.unit.pk}).status_code == 404
    # nor do the people list's filter and the tree's children accept it, by id or by name
    listed = client.get(reverse("org:person_list"), {"body_name": other.unit.name})
    assert "没有名称含" in listed.content.decode()
    assert client.get(reverse("org:tree_nodes"), {"parent": other.unit.pk}).status_code == 404


@pytest.mark.req("R0.2")
def test_a_typed_name_filters_the_people_list_without_js(county, login):
    dept = county.depts[0]
    client = login(county.user("wc_admin"))
    page = client.get(reverse("org:person_list"), {"body_name": dept.branches[1].name})
    text = page.content.decode()
    assert f"人员：{dept.branches[1].name}" in text
    assert dept.people[3].name in text and dept.people[0].name not in text
    # the export link carries the body's id
    assert f"people.xlsx?body={dept.branches[1].pk}" in text
    ambiguous = client.get(reverse("org:person_list"), {"body_name": "党支部"}).content.decode()
    assert "有多个组织名称含“党支部”" in ambiguous
    assert BodyKind.BRANCH  # the branches are the ambiguous ones
