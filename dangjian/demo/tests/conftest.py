"""The demo county is built once per test module (it takes seconds), inside a transaction that
is rolled back when the module is done; each test runs in a savepoint within it.

These builds stop before the modules' demo steps (`--no-modules`): the registry, accounts and
tasks are this app's; test_demo_full.py runs the whole command once, module steps included."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

SEED = 7
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Built:
    output: str
    summary: dict[str, int]
    digest: str
    seconds: float


def _build(seed: int) -> Built:
    from dangjian.demo.builder import demo_digest, demo_summary

    out = io.StringIO()
    started = time.monotonic()
    call_command("demo_data", "--seed", str(seed), "--no-modules", stdout=out)
    took = time.monotonic() - started
    return Built(out.getvalue(), demo_summary(), demo_digest(), took)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Built]]:
    """{"first": a build that was rolled back, "kept": the same seed built again and kept}."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        savepoint = transaction.savepoint()
        first = _build(SEED)
        transaction.savepoint_rollback(savepoint)
        kept = _build(SEED)
        print(f"\ndemo-data build: {first.seconds:.1f} s, again {kept.seconds:.1f} s")
        yield {"first": first, "kept": kept}
        transaction.set_rollback(True)
