"""The complete check: every chain recomputed once, then every registered verifier, with
progress, in a report that survives a round trip through JSON (a job's result)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from dangjian.trail.models import TrailEntry
from dangjian.trail.services import checkpoint_take, trail_append
from dangjian.trail.verification import (
    _VERIFIERS,
    Context,
    Finding,
    Located,
    Report,
    register_verifier,
    verify_everything,
)

pytestmark = pytest.mark.req("R0.7")


def _append(n: int, chain: str = "toy:1") -> None:
    for i in range(n):
        trail_append(chain=chain, actor=None, action="create", subject_type="toy.thing",
                     subject_id=i, subject_label=f"对象{i}", after={"值": i})


@pytest.fixture
def toy() -> Iterator[dict[str, Any]]:
    """A module's verifier: its records are a dict {seq: value} held against the chain."""
    state: dict[str, Any] = {"rows": {}, "seen": []}

    def check(ctx: Context) -> Iterator[Finding]:
        chains = [c for c in ctx.chains if c.startswith("toy:") and ctx.wants(c)]
        for chain in chains:
            state["seen"].append((chain, ctx.chain(chain).checked))
            upto = ctx.verified_upto(chain)
            entries = dict(TrailEntry.objects.filter(chain=chain, seq__lte=upto)
                           .values_list("seq", "after"))
            for seq, after in sorted(entries.items()):
                ctx.progress(seq, upto)
                if state["rows"].get(seq) != after["值"]:
                    yield Finding("玩具", chain, seq, f"玩具{seq}", "与留痕不符")
                    break

    def locate(chain: str, seq: int) -> Located | None:
        return Located(f"玩具记录{seq}", f"/toy/{seq}/") if chain.startswith("toy:") else None

    register_verifier("toy", label="玩具", check=check, locate=locate)
    yield state
    _VERIFIERS.pop("toy")


def test_a_clean_trail_passes_with_progress(db, toy):
    _append(3)
    toy["rows"] = {1: 0, 2: 1, 3: 2}
    seen: list[tuple[str, int, int]] = []
    report = verify_everything(progress=lambda stage, done, total: seen.append(
        (stage, done, total)))
    assert report.ok and report.entries == 3 and toy["seen"] == [("toy:1", 3)]
    assert ("重算留痕链", 3, 3) in seen and ("玩具", 3, 3) in seen
    assert next(c for c in report.checks if c.name == "toy").checked == 3


def test_a_verifier_reuses_the_chain_pass_and_names_its_record(db, toy):
    _append(3)
    toy["rows"] = {1: 0, 2: 99, 3: 2}
    report = verify_everything()
    assert [(f.check, f.seq, f.record) for f in report.findings] == [("玩具", 2, "玩具2")]


def test_a_broken_chain_names_the_modules_record_and_its_verifier_stops_before_it(db, toy):
    _append(3)
    toy["rows"] = {1: 0, 2: 1, 3: 99}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            cursor.execute("DROP TRIGGER trail_entry_no_update")
        cursor.execute("UPDATE trail_trailentry SET note = 'x' WHERE chain = 'toy:1' AND seq = 2")
    report = verify_everything()
    first = report.first
    assert first is not None and (first.check, first.seq, first.record, first.url) == (
        "留痕链", 2, "玩具记录2", "/toy/2/")
    assert len(report.findings) == 1  # entry 3 follows the broken one: not held against it


def test_a_rewound_head_is_caught_by_a_checkpoint_in_the_complete_check(db):
    _append(3, chain="plain")
    checkpoint_take(chain="plain")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("DELETE FROM trail_trailentry WHERE chain = 'plain' AND seq = 3")
        digest = TrailEntry.objects.get(chain="plain", seq=2).digest
        cursor.execute("UPDATE trail_chainhead SET seq = 2, digest = %s WHERE chain = 'plain'",
                       [digest])
    report = verify_everything()
    assert not report.ok and "检查点" in report.findings[0].problem


def test_only_the_named_chains_and_the_report_survives_json(db, toy):
    _append(2)
    _append(2, chain="toy:2")
    toy["rows"] = {1: 0, 2: 1}
    report = verify_everything(chains=["toy:2"])
    assert [c.chain for c in report.chains] == ["toy:2"] and toy["seen"] == [("toy:2", 2)]
    again = Report.from_dict(json.loads(json.dumps(report.as_dict(), ensure_ascii=False)))
    assert again == report and again.ok


def test_findings_beyond_the_limit_are_counted(db, toy):
    for n in range(5):
        _append(1, chain=f"toy:{n}")
    report = verify_everything(limit=2)
    assert len(report.findings) == 2 and report.more == 3 and not report.ok
