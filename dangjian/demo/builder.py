"""Build the demo county (R0.9) in one transaction: structure, last year's history, accounts,
workbench tasks, then each module's own demo work.

A module adds its year of demo work by shipping `<app>/demo_steps.py` with
`def demo_build(county: DemoCounty) -> None`; the steps run in INSTALLED_APPS order (engines
before modules), inside the same transaction, after the accounts exist. A step should draw its
randomness from `county.rng_for("<app>")` so that it changes nothing else for a given seed.
"""

from __future__ import annotations

import hashlib
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from dangjian.accounts.models import User
from dangjian.cycles.services import year_ensure
from dangjian.demo.accounts import ACCOUNTS, accounts_create, admin_create
from dangjian.demo.catalog import ROOT_CODE
from dangjian.demo.county import DemoCounty
from dangjian.demo.history import build_history
from dangjian.demo.structure import build_structure
from dangjian.org.models import PARTY_ORG_KINDS, Body, BodyKind, Person, Post

STEPS_MODULE = "demo_steps"


class DemoExists(Exception):
    """The demo county is already there: building it again would change nothing."""


def demo_exists() -> bool:
    return Body.objects.filter(code=ROOT_CODE).exists()


def demo_build(*, seed: int, modules: bool = True) -> DemoCounty:
    """Build the whole demo county for a seed; the same seed gives the same county.
    `modules=False` stops after the registry, accounts and tasks (no module steps)."""
    with transaction.atomic():
        if demo_exists():
            raise DemoExists("演示数据已存在")
        current = timezone.localdate().year
        previous_year = year_ensure(year=current - 1)
        current_year = year_ensure(year=current, make_current=True)
        county = build_structure(seed=seed, current_year=current)
        county.years = {"previous": previous_year, "current": current_year}
        admin_create(county)
        build_history(county)
        accounts_create(county)
        county.steps = module_steps(county) if modules else []
    return county


def module_steps(county: DemoCounty) -> list[str]:
    """Run every installed app's demo step; returns the apps that had one."""
    ran = []
    for config in apps.get_app_configs():
        if config.module is None or not module_has_submodule(config.module, STEPS_MODULE):
            continue
        import_module(f"{config.name}.{STEPS_MODULE}").demo_build(county)
        ran.append(config.label)
    return ran


def demo_summary() -> dict[str, int]:
    """What is in the database now (all of it, not only the demo's)."""
    active = Body.objects.filter(valid_to__isnull=True)
    return {
        "departments": active.filter(kind=BodyKind.UNIT).count(),
        "party_orgs": active.filter(kind__in=PARTY_ORG_KINDS).count(),
        "people": Person.objects.filter(left_on__isnull=True).count(),
        "posts": Post.objects.filter(end__isnull=True).count(),
        "ended_posts": Post.objects.filter(end__isnull=False).count(),
        "bodies_ended": Body.objects.filter(valid_to__isnull=False).count(),
        "accounts": User.objects.filter(username__in=[a.username for a in ACCOUNTS]).count(),
    }


def demo_digest() -> str:
    """A fingerprint of the registry by names, not ids: equal for equal counties."""
    lines = sorted(
        f"P|{name}|{id_number}|{unit}|{left}"
        for name, id_number, unit, left in Person.objects.values_list(
            "name", "id_number", "unit__name", "left_on")
    )
    lines += sorted(
        f"B|{name}|{kind}|{parent}|{valid_to}"
        for name, kind, parent, valid_to in Body.objects.values_list(
            "name", "kind", "parent__name", "valid_to")
    )
    lines += sorted(
        f"T|{person}|{body}|{kind}|{portfolio}|{start}|{end}"
        for person, body, kind, portfolio, start, end in Post.objects.values_list(
            "person__id_number", "body__name", "kind", "portfolio", "start", "end")
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
