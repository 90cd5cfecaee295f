"""The demo builder's hook: this module's year of demo work (see dangjian/demo/builder.py)."""

from __future__ import annotations

from dangjian.assessment.demo import build_demo
from dangjian.demo.county import DemoCounty


def demo_build(county: DemoCounty) -> None:
    build_demo(seed=county.seed)
