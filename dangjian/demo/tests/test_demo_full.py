"""The whole `dangjian demo-data`, every installed module's demo step included (R0.9)."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings
from django.utils.module_loading import module_has_submodule

from dangjian.demo.builder import STEPS_MODULE, demo_summary
from dangjian.trail.verification import verify_everything


@pytest.mark.req("R0.9")
@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_demo_data_builds_the_county_and_every_module_year() -> None:
    out = io.StringIO()
    call_command("demo_data", "--seed", "11", stdout=out)
    text = out.getvalue()
    assert "已创建演示数据" in text
    with_steps = [c.label for c in apps.get_app_configs()
                  if c.module is not None and module_has_submodule(c.module, STEPS_MODULE)]
    if with_steps:
        assert f"各模块演示数据：{'、'.join(with_steps)}" in text
    summary = demo_summary()
    assert summary["departments"] >= 40 and summary["people"] >= 800
    report = verify_everything(files=True)  # what `dangjian verify-trail --files` runs
    assert report.ok, report.findings[:3]
    assert {c.name for c in report.checks} >= {"responsibility", "evidence"}
