"""Hook for the demo builder (dangjian/demo/builder.py): runs this module's demo data."""

from __future__ import annotations

from typing import Any

from dangjian.responsibility.demo import build_demo


def demo_build(county: Any) -> None:
    build_demo(seed=county.seed)
