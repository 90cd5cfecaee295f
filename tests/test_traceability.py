"""docs/requirements.md stays true: every requirement marked done has tests carrying its ID,
the files it names exist, and every ID a test carries is a real requirement."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "requirements.md"
MARK = re.compile(r"""(?:pytest\.mark\.req|mark\.req)\(([^)]*)\)""")
ID = re.compile(r"""["']((?:R\d+|X)\.\d+)["']""")
ROW = re.compile(r"^\|\s*((?:R\d+|X)\.\d+)\s*\|")
ALL_IDS = (
    [f"R0.{i}" for i in range(1, 11)] + [f"R1.{i}" for i in range(1, 6)]
    + [f"R2.{i}" for i in range(1, 10)] + [f"R3.{i}" for i in range(1, 7)]
    + [f"R4.{i}" for i in range(1, 8)] + [f"R5.{i}" for i in range(1, 10)]
    + [f"R6.{i}" for i in range(1, 4)] + [f"X.{i}" for i in range(1, 5)]
)


def _rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if ROW.match(line):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows[cells[0]] = cells
    return rows


def _tests_by_id() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in list(ROOT.glob("dangjian/**/test_*.py")) + list(ROOT.glob("tests/**/test_*.py")):
        text = path.read_text(encoding="utf-8")
        for args in MARK.findall(text):
            for req in ID.findall(args):
                found.setdefault(req, set()).add(str(path.relative_to(ROOT)))
    return found


def _paths(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def test_every_requirement_has_a_row():
    rows = _rows()
    assert sorted(set(ALL_IDS) - set(rows)) == []
    assert sorted(set(rows) - set(ALL_IDS)) == []


def test_done_requirements_have_tests_carrying_their_id():
    tests = _tests_by_id()
    missing = [rid for rid, cells in _rows().items()
               if cells[2].startswith("done") and rid not in tests]
    assert missing == [], f"marked done but no test carries the ID: {missing}"


def test_named_code_and_tests_exist_and_tests_carry_the_id():
    tests = _tests_by_id()
    problems = []
    for rid, cells in _rows().items():
        for path in _paths(cells[3]) + _paths(cells[4]):
            if not (ROOT / path.split("::")[0]).exists():
                problems.append(f"{rid}: {path} does not exist")
        for path in _paths(cells[4]):
            if path not in tests.get(rid, set()):
                problems.append(f"{rid}: {path} carries no test marked {rid}")
    assert problems == []


def test_tests_only_carry_real_ids():
    unknown = sorted(set(_tests_by_id()) - set(ALL_IDS))
    assert unknown == []
