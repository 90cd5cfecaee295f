"""What each module puts on a person's workbench and which notifications it sends (R0.10).

A module declares both in its own `<app>/workbench.py`, found at start-up (like `demo_steps`):

- `@task_source("述职评议")` on `def f(user) -> Iterable[WorkItem]`: a queue computed from the
  module's data each time the workbench is drawn (reports waiting at the user's stage, lists
  waiting for review, …). An item leaves the queue as soon as the data says the work is done,
  so a source never has to be "closed". A source yields only what this user may act on, each
  with the link to the page where it is done.
- `events(module, {"duty_review.report_returned": "述职报告被退回", …})`: the notifications the
  module sends. `notify()` refuses an undeclared event or an empty text.

Stored `Task` rows (services.task_open) remain for work with a deadline handed to one person;
they are shown beside the computed queues.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db.models import Q
from django.utils.module_loading import module_has_submodule

SUBMODULE = "workbench"


@dataclass(frozen=True)
class WorkItem:
    """One line of the workbench."""

    module: str
    title: str
    url: str
    key: str = ""
    due_at: dt.datetime | None = None
    year: Any = None
    count: int | None = None  # a queue: how many items wait in it
    state: str = ""  # e.g. "已退回", "待审核"; empty: 进行中


Source = Callable[[Any], Iterable[WorkItem]]

_SOURCES: list[tuple[str, Source]] = []
_EVENTS: dict[str, tuple[str, str]] = {}  # event -> (module, label)
_loaded = False


def task_source(module: str) -> Callable[[Source], Source]:
    def register(fn: Source) -> Source:
        if all(existing is not fn for _, existing in _SOURCES):
            _SOURCES.append((module, fn))
        return fn

    return register


def events(module: str, declared: dict[str, str]) -> None:
    for name, label in declared.items():
        _EVENTS[name] = (module, label)


def load() -> None:
    """Import every installed app's `workbench` module (once)."""
    global _loaded
    if _loaded:
        return
    for config in apps.get_app_configs():
        if config.module is not None and module_has_submodule(config.module, SUBMODULE):
            import_module(f"{config.name}.{SUBMODULE}")
    _loaded = True


def sources() -> list[tuple[str, Source]]:
    load()
    return list(_SOURCES)


def event_label(name: str) -> str:
    load()
    if name not in _EVENTS:
        raise ValueError(f"undeclared notification event: {name}")
    return _EVENTS[name][1]


def declared_events() -> dict[str, tuple[str, str]]:
    load()
    return dict(_EVENTS)




def _seat_kinds() -> dict[str, frozenset[str]]:
    from dangjian.org.models import PARTY_ORG_KINDS, BodyKind, Role

    # A role reaches every body under its grant; the work put to it is that of its own kind
    # of body: the 工委's, the 县委's, a 党组's, a branch's, a 机关纪检's.
    return {Role.WORK_COMMITTEE_ADMIN: frozenset({BodyKind.WORK_COMMITTEE}),
            Role.WORK_COMMITTEE_STAFF: frozenset({BodyKind.WORK_COMMITTEE}),
            Role.COUNTY_COMMITTEE: frozenset({BodyKind.COUNTY_COMMITTEE}),
            Role.ORGANIZATION_DEPT: frozenset({BodyKind.ORGANIZATION_DEPT}),
            Role.DISCIPLINE_COMMISSION: frozenset({BodyKind.DISCIPLINE_COMMISSION}),
            Role.LEADING_GROUP_SECRETARY: frozenset({BodyKind.LEADING_GROUP, BodyKind.UNIT}),
            Role.ORG_SECRETARY: frozenset(PARTY_ORG_KINDS),
            Role.DISCIPLINE_MEMBER: frozenset({BodyKind.ORGAN_DISCIPLINE})}


def own_q(user: Any, perm: Any, body_field: str) -> Q:
    """Rows whose body (`body_field`, a foreign key to Body) is one the user acts for with
    `perm`: within their grant, a body of their role's own kind (a county-wide grant reaches
    every branch, but what is put to the 县委 is the 县委's; a 党组书记's grant covers the
    department's branches, but a branch's 初审 is the branch's)."""
    from dangjian.org.scope import grants_for

    seats = _seat_kinds()
    q = Q(pk__in=[])
    for g in grants_for(user, perm):
        reach = (Q(**{f"{body_field}__path__startswith": g.path}) if g.recursive
                 else Q(**{f"{body_field}__path": g.path}))
        kinds = seats.get(g.role)
        q |= reach & Q(**{f"{body_field}__kind__in": kinds}) if kinds else reach
    return q


def acts_for(user: Any, perm: Any, body: Any) -> bool:
    """`own_q` for one body."""
    from dangjian.org.scope import grants_for

    seats = _seat_kinds()
    return any(g.covers_path(body.path) and body.kind in seats.get(g.role, {body.kind})
               for g in grants_for(user, perm))
