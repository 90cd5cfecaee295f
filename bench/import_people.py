"""Benchmark: importing 1,000 / 10,000 / 20,000 people from .xlsx, beside openpyxl's bare read.

Not a test. Run once per database and copy the figures into docs/performance.md ("Excel import"):

    DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/import_people.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangjian_bench_import \
        DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/import_people.py

It migrates the database and builds the demo county's registry if it is not there (not timed).
For each size it then writes a people workbook the way a user would: the project's own import
template (`template_bytes`), one row per person in the county's current departments (plausible
fields from the demo's `PersonMaker`; members in one of their department's party organisations,
a few 党务干部; half the rows leave 出生日期 blank for the importer to take from the ID number).
Timed, on the same bytes, in the same run:
1. openpyxl's bare read: `load_workbook(read_only=True, data_only=True)` and every row's values —
   the least any importer of the file must spend;
2. the import as the import page runs it: `import_workbook(actor=<工委 administrator>, …)` —
   reading, checking every row, writing every person and their trace entries — inside a
   transaction that is rolled back afterwards, so each size starts from the same database.
It prints rows/s of both and the ratio (bare read time / import time; 1.0 would be as fast as
reading the file and doing nothing with it), the import's time per stage (读取/校验/写入), its
queries, and the machine's load average. Both are run BENCH_RUNS times (default 3),
alternating, and the fastest of each is shown: on a shared machine other work only ever slows
a run down. Sizes: BENCH_SIZES (comma separated; default 1000,10000,20000).
"""

from __future__ import annotations

import io
import itertools
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from dangjian.accounts.models import User  # noqa: E402
from dangjian.demo.builder import demo_build, demo_exists  # noqa: E402
from dangjian.demo.catalog import GENERAL_MAJORS, STAFF_RANKS, STAFF_TITLES  # noqa: E402
from dangjian.demo.people import PersonMaker  # noqa: E402
from dangjian.org.excel import SPECS, import_workbook  # noqa: E402
from dangjian.org.excel.workbook import template_bytes, to_bytes  # noqa: E402
from dangjian.org.models import (  # noqa: E402
    PARTY_ORG_KINDS,
    UNIT_KINDS,
    Body,
    CadreType,
    Person,
    PoliticalStatus,
)

SIZES = tuple(int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000,20000").split(","))
SPEC = SPECS["people"]
SEED = 20240601
RUNS = int(os.environ.get("BENCH_RUNS", 3))


class Rollback(Exception):
    pass


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def places() -> list[tuple[Body, list[Body]]]:
    """Every current unit with its current party organisations (members need one)."""
    bodies = list(Body.objects.filter(valid_to__isnull=True).order_by("path"))
    out = []
    for unit in (b for b in bodies if b.kind in UNIT_KINDS):
        orgs = [b for b in bodies if b.kind in PARTY_ORG_KINDS and b.path.startswith(unit.path)]
        if orgs:
            out.append((unit, orgs))
    return out


def _label(key: str, value: Any) -> Any:
    column = SPEC.column(key)
    if column.choices is not None:
        return dict(column.choices.choices).get(value, value) if value else ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def workbook_bytes(n: int, where: list[tuple[Body, list[Body]]]) -> bytes:
    """The import template filled with n people, as a user would fill it in."""
    rng = random.Random(f"{SEED}:{n}")
    maker = PersonMaker(rng, 2025)
    maker._ids.update(n for n in Person.objects.values_list("id_number", flat=True) if n)
    maker._names.update(Person.objects.values_list("unit_id", "name"))
    book = load_workbook(io.BytesIO(template_bytes(SPEC)))
    sheet = book[SPEC.title]
    keys = [c.key for c in SPEC.import_columns]
    for i in range(n):
        unit, orgs = where[i % len(where)]
        member = rng.random() < 0.75
        fields = maker.fields(
            unit=unit, branch=rng.choice(orgs), majors=GENERAL_MAJORS, age=(24, 58),
            job_title=rng.choice(STAFF_TITLES), rank=rng.choice(STAFF_RANKS),
            status=PoliticalStatus.MEMBER if member else PoliticalStatus.MASSES,
        )
        if i % 2:
            fields["birth_date"] = None  # taken from the ID number
        cadre = member and rng.random() < 0.05
        fields.update(is_party_cadre=cadre, cadre_type=CadreType.PART_TIME if cadre else "",
                      phone=f"139{rng.randint(0, 99_999_999):08d}")
        fields["unit"] = unit.code or unit.name
        fields["branch"] = fields["branch"].name if fields["branch"] else ""
        sheet.append([_label(k, fields.get(k, "")) for k in keys])
    return to_bytes(book)


def bare_read(data: bytes) -> tuple[float, int]:
    start = time.perf_counter()
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = sum(1 for _ in book[SPEC.title].iter_rows(values_only=True)) - 1
    book.close()
    return time.perf_counter() - start, rows


def timed_import(actor: User, data: bytes, n: int) -> tuple[float, dict[str, float], int]:
    """The import, rolled back afterwards: seconds, seconds per stage, queries."""
    stages: dict[str, float] = {}
    marks: list[tuple[str, float]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter()))

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        try:
            with transaction.atomic():
                result = import_workbook(actor=actor, spec=SPEC, upload=io.BytesIO(data),
                                         size=len(data), progress=progress)
                elapsed = time.perf_counter() - start
                if not result.ok or result.created != n:
                    for p in result.problems[:10]:
                        log(f"  problem: row {p.row} {p.column}: {p.message}")
                    raise SystemExit(f"import failed: {len(result.problems)} problems")
                raise Rollback
        except Rollback:
            pass
    marks.append(("", start + elapsed))
    for (stage, at), (_, until) in itertools.pairwise(marks):
        stages[stage] = stages.get(stage, 0.0) + until - at
    return elapsed, stages, queries


def main() -> None:
    call_command("migrate", verbosity=0)
    if not demo_exists():
        log("building the demo county's registry (not timed)")
        demo_build(seed=1, modules=False)
    actor = User.objects.get(username="gwadmin")
    where = places()
    log(f"{connection.vendor}: {Body.objects.count()} bodies, {Person.objects.count()} people, "
        f"{len(where)} units with party organisations")
    print("| rows | file (KB) | openpyxl bare read (s) | rows/s | import (s) | rows/s | ratio | "
          "读取 / 校验 / 写入 (s) | queries | load |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for n in SIZES:
        data = workbook_bytes(n, where)
        reads, imports = [], []
        for _ in range(RUNS):  # alternating, so a burst of other work slows one of each
            read, rows = bare_read(data)
            assert rows == n, rows
            reads.append(read)
            imports.append(timed_import(actor, data, n))
        read_s = min(reads)
        import_s, stages, queries = min(imports, key=lambda t: t[0])
        split = " / ".join(f"{stages.get(s, 0.0):.1f}" for s in ("读取", "校验", "写入"))
        print(f"| {n:,} | {len(data) // 1024:,} | {read_s:.2f} | {n / read_s:,.0f} | "
              f"{import_s:.2f} | {n / import_s:,.0f} | {read_s / import_s:.3f} | {split} | "
              f"{queries:,} | {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
