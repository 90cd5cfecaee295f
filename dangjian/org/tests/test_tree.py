"""Organisation selects in the tree's order (R0.1): each body after its parent, siblings by
排序, whatever order they were created in; the shared select field carries the search box."""

from __future__ import annotations

import pytest

from dangjian.org.forms import BodyChoiceField
from dangjian.org.models import Body, BodyKind
from dangjian.org.views.bodies import body_options
from dangjian.testing import _body


def _unit(name: str, parent: Body, order: int) -> Body:
    body = _body(name, BodyKind.UNIT, parent)
    Body.objects.filter(pk=body.pk).update(sort_order=order)
    return body


@pytest.mark.req("R0.1")
def test_bodies_are_listed_in_tree_order_not_by_id_or_name(county):
    root = county.root
    # Created late (a high id) but sorted first, like 组织部 among a hundred departments.
    first = _unit("中共示范县委组织部（测试）", root, -10)
    for i in range(10):  # ids past 10: "/1/12/" must not sort before "/1/3/"
        _unit(f"县水利局{i}", root, 100 + i)
    qs = Body.objects.filter(path__startswith=root.path, valid_to__isnull=True)
    labels = [label for _, label in body_options(qs)]
    assert labels[0] == root.name
    assert labels[1] == "　中共示范县委组织部（测试）"
    assert labels[-1] == "　县水利局9"
    order = [pk for pk, _ in body_options(qs)]
    for body in qs:  # every body after its parent
        if body.parent_id:
            assert order.index(body.parent_id) < order.index(body.pk)
    field = BodyChoiceField(queryset=qs)
    choices = [str(label) for _, label in field.choices][1:]
    assert choices[1].strip() == first.name
    assert field.widget.attrs["data-filter"]
