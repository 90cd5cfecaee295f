"""The demo builder's hook: this module's year of demo work (see dangjian/demo/builder.py)."""

from __future__ import annotations

from dangjian.demo.county import DemoCounty
from dangjian.duty_review.demo import build_demo


def demo_build(county: DemoCounty) -> None:
    build_demo(seed=county.seed)
