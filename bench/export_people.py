"""Benchmark: exporting 10,000 people to .xlsx, beside openpyxl's bare write-only write.

Not a test. Run once per database and copy the figures into docs/performance.md ("Exports"):

    DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/export_people.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangjian_bench_export \\
        DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/export_people.py

It migrates the database and builds the demo county's registry if it is not there (not timed),
then adds people (copies of the county's, without ID numbers; not timed) until the
工委 administrator's export has BENCH_ROWS rows (default 10,000), inside a transaction rolled
back at the end. Timed, in the same run, on the same rows:
1. openpyxl's bare write: the rows already read (`export_rows`, as lists of values) appended to
   a `Workbook(write_only=True)` sheet and saved — the least any writer of the file must spend;
2. the export as the page and the org.export job write it: `export_bytes(user=<工委
   administrator>, kind="people")` — the query, every row's masking and labels, the styled
   header, formats and dropdowns, written in write-only mode.
It prints both times, rows/s, the ratio (bare / export: 1.0 would be as fast as writing rows
already in memory), the export's queries and peak traced memory, and the load average. Each is
run BENCH_RUNS times (default 3), alternating, and the fastest is shown: on a shared machine
other work only ever slows a run down.
"""

from __future__ import annotations

import io
import os
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from dangjian.accounts.models import User  # noqa: E402
from dangjian.demo.builder import demo_build, demo_exists  # noqa: E402
from dangjian.org.excel import ExportFilter, export_bytes  # noqa: E402
from dangjian.org.excel.exporting import export_count, export_rows  # noqa: E402
from dangjian.org.models import Person  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", 10_000))
RUNS = int(os.environ.get("BENCH_RUNS", 3))
ALL = ExportFilter()


class Rollback(Exception):
    pass


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def fill(actor: User) -> None:
    """Copies of the county's current people until the export has ROWS rows."""
    have = export_count(user=actor, kind="people", filters=ALL)
    models = list(Person.objects.filter(left_on__isnull=True).order_by("pk"))
    extra = []
    for i in range(max(0, ROWS - have)):
        p = models[i % len(models)]
        extra.append(Person(
            name=f"{p.name[:30]}{i}", gender=p.gender, birth_date=p.birth_date,
            education=p.education, major=p.major, job_title=p.job_title, rank=p.rank,
            political_status=p.political_status, party_join_date=p.party_join_date,
            unit_id=p.unit_id, branch_id=p.branch_id, is_reserve_cadre=p.is_reserve_cadre,
            is_party_cadre=p.is_party_cadre, cadre_type=p.cadre_type, phone=p.phone,
        ))
    Person.objects.bulk_create(extra, batch_size=1000)


def bare(rows: list[list[Any]]) -> float:
    start = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("人员")
    for row in rows:
        sheet.append(row)
    book.save(io.BytesIO())
    return time.perf_counter() - start


def export(actor: User) -> tuple[float, int, int]:
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        data = export_bytes(user=actor, kind="people", filters=ALL)
        elapsed = time.perf_counter() - start
    return elapsed, queries, len(data)


def main() -> None:
    call_command("migrate", verbosity=0)
    if not demo_exists():
        log("building the demo county's registry (not timed)")
        demo_build(seed=1, modules=False)
    actor = User.objects.get(username="gwadmin")
    try:
        with transaction.atomic():
            fill(actor)
            rows = list(export_rows(user=actor, kind="people", filters=ALL))
            log(f"{connection.vendor}: {len(rows)} rows")
            bare_s, export_s, queries, size = [], [], 0, 0
            for _ in range(RUNS):
                bare_s.append(bare(rows))
                seconds, queries, size = export(actor)
                export_s.append(seconds)
            tracemalloc.start()
            export(actor)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            b, e = min(bare_s), min(export_s)
            print("| rows | file (KB) | openpyxl bare write-only (s) | rows/s | export (s) "
                  "| rows/s | ratio | queries | peak memory (MB) |")
            print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            print(f"| {len(rows):,} | {size // 1024:,} | {b:.2f} | {len(rows) / b:,.0f} "
                  f"| {e:.2f} | {len(rows) / e:,.0f} | {b / e:.2f} | {queries} "
                  f"| {peak / 1024 / 1024:.0f} |")
            log(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
