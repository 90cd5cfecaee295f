"""The demo county as built: the records later steps (history, accounts, modules) work on."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from dangjian.demo.catalog import DeptSpec
from dangjian.org.models import Body, Person


@dataclass
class DemoDept:
    """A department (or one of the county's offices) with its party bodies and people."""

    spec: DeptSpec
    unit: Body
    leading_group: Body | None
    top: Body  # its organs' party organisation: 机关党委, 党总支 or the one 党支部
    branches: list[Body]
    discipline: Body
    people: list[Person] = field(default_factory=list)


@dataclass
class DemoCounty:
    seed: int
    current_year: int
    root: Body
    org_dept: DemoDept
    work_committee: DemoDept
    discipline_commission: DemoDept
    civilization_office: DemoDept
    depts: list[DemoDept]
    years: dict[str, Any] = field(default_factory=dict)  # "previous", "current": cycles.Year
    accounts: dict[str, Any] = field(default_factory=dict)  # username -> accounts.User
    maker: Any = None  # the PersonMaker that made everyone (see PersonMaker.fork)
    steps: list[str] = field(default_factory=list)  # apps whose demo step ran

    @property
    def offices(self) -> list[DemoDept]:
        return [self.org_dept, self.work_committee, self.discipline_commission,
                self.civilization_office]

    @property
    def active_depts(self) -> list[DemoDept]:
        return [d for d in self.depts if d.unit.valid_to is None]

    def dept(self, name: str) -> DemoDept:
        return next(d for d in self.depts if d.spec.name == name)

    def rng_for(self, label: str) -> random.Random:
        """A generator of its own for each later step, so adding a step changes nothing else."""
        return random.Random(f"{self.seed}:{label}")

    @property
    def admin(self) -> Any:
        """The 工委 administrator account: the actor for changes made as history."""
        return self.accounts["gwadmin"]
