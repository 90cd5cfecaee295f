"""Plans name their source in Chinese, on the list and on the plan."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.cycles.services import year_ensure
from dangjian.org.models import Role
from dangjian.rectification.services import plan_create
from dangjian.trail.chains import chain_label


@pytest.mark.req("R2.8")
def test_plan_sources_are_named_in_chinese(county: Any, login: Any) -> None:
    year = year_ensure(year=timezone.localdate().year, make_current=True)
    branch = county.depts[0].branches[0]
    plans = {
        source: plan_create(actor=None, year=year, source=source, source_ref=f"{source}:1",
                            title=f"{label}整改方案", owner_body=branch, owner_person=None,
                            verifier_body=branch, check_scope=False)
        for source, label in (("duty_review", "述职评议"), ("assessment", "党建工作考核反馈"),
                              ("responsibility", "两个责任随机抽查"))
    }
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    html = client.get(reverse("rectification:plan_list")).content.decode()
    for label in ("<td>述职评议</td>", "<td>党建工作考核反馈</td>", "<td>两个责任随机抽查</td>"):
        assert label in html
    assert "<td>duty_review</td>" not in html and "<td>assessment</td>" not in html
    page = client.get(reverse("rectification:plan_detail", args=[plans["duty_review"].pk]))
    assert "<dt>来源</dt><dd>述职评议</dd>" in page.content.decode()


@pytest.mark.req("R3.3")
def test_chains_are_named_after_their_body(county: Any) -> None:
    body = county.depts[0].committee
    assert chain_label(f"duty:{body.pk}") == f"{body.name}履责纪实链"
    assert chain_label(f"changes:{county.root.pk}") == f"{county.root.name}变更留痕链"
    assert chain_label("changes:system") == "账号等系统对象变更留痕链"
