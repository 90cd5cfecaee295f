"""Benchmark: totals and suggested grades for 40 and 4,000 generated departments.

Not a test. Run once and copy the figures into docs/performance.md ("Scoring"):

    DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/scoring.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangjian_bench \
        DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/scoring.py

Each size gets its own published indicator set (the default 党组 set: 9 leaf indicators), two
assessors' scores on every leaf for every department and a deduction for one in ten; the
timing covers `scoring.selectors.totals` (every department's total and suggested grade) — the
call the results pages, the export and the special report make. Everything runs inside a
transaction that is rolled back, so the database is left as it was (it is migrated first).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
os.environ.setdefault("DANGJIAN_DEMO", "1")  # keys generated under DANGJIAN_HOME, as in the demo

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dangjian.accounts.models import User  # noqa: E402
from dangjian.assessment.defaults import LEADING_GROUP, THRESHOLDS  # noqa: E402
from dangjian.cycles.services import year_ensure  # noqa: E402
from dangjian.org.models import Body, BodyKind  # noqa: E402
from dangjian.scoring import selectors  # noqa: E402
from dangjian.scoring.models import Deduction, Indicator, IndicatorSet, Score  # noqa: E402
from dangjian.scoring.services import set_publish, thresholds_set  # noqa: E402

SIZES = (40, 4000)
RUNS = 5


class Rollback(Exception):
    pass


def _set(owner: Body, size: int) -> tuple[IndicatorSet, list[Indicator]]:
    s = IndicatorSet.objects.create(purpose="bench", year=year_ensure(year=2000 + size % 97),
                                    title=f"bench-{size}", owner_body=owner)
    order = 0
    for item in LEADING_GROUP:
        order += 1
        parent = Indicator.objects.create(set=s, code=item.code, title=item.title,
                                          max_points=item.points, order=order)
        for child in item.children:
            order += 1
            Indicator.objects.create(set=s, parent=parent, code=child.code, title=child.title,
                                     max_points=child.points, order=order)
    thresholds_set(actor=None, indicator_set=s, thresholds=THRESHOLDS)
    s = set_publish(actor=None, indicator_set=s)
    return s, selectors.leaves(s)


def _fill(s: IndicatorSet, leaf_rows: list[Indicator], size: int, assessors: list[User]) -> None:
    rng = random.Random(size)
    rows = []
    for d in range(size):
        quality = rng.uniform(0.55, 1.0)
        for leaf in leaf_rows:
            for user in assessors:
                value = Decimal(str(round(float(leaf.max_points) * quality, 1)))
                rows.append(Score(set=s, indicator=leaf, subject_key=f"body:{d}", assessor=user,
                                  value=value, reason="bench"))
    Score.objects.bulk_create(rows, batch_size=5000)
    Deduction.objects.bulk_create(
        [Deduction(set=s, subject_key=f"body:{d}", points=Decimal(2), reason="bench",
                   recorded_by=assessors[0]) for d in range(0, size, 10)], batch_size=5000)


def main() -> None:
    call_command("migrate", verbosity=0)
    results = []
    try:
        with transaction.atomic():
            owner = Body.objects.create(name="bench", kind=BodyKind.WORK_COMMITTEE,
                                        valid_from="2020-01-01", path="/bench/")
            assessors = [User.objects.create(username=f"bench{i}") for i in range(2)]
            for size in SIZES:
                s, leaf_rows = _set(owner, size)
                _fill(s, leaf_rows, size, assessors)
                selectors.totals(s)  # warm up
                times = []
                for _ in range(RUNS):
                    with CaptureQueriesContext(connection) as ctx:
                        start = time.perf_counter()
                        out = selectors.totals(s)
                        times.append(time.perf_counter() - start)
                    assert len(out) == size
                grades = {g: sum(1 for t in out.values() if t.grade == g)
                          for g in ("good", "fairly_good", "average", "poor")}
                results.append((size, statistics.median(times), len(ctx.captured_queries),
                                Score.objects.filter(set=s).count(), grades))
            raise Rollback
    except Rollback:
        pass
    vendor = connection.vendor
    print(f"database: {vendor}")
    print("| departments | score rows | median time (ms) | queries | grades (好/较好/一般/差) |")
    print("|---:|---:|---:|---:|---|")
    for size, t, q, n, g in results:
        print(f"| {size} | {n} | {t * 1000:.1f} | {q} | "
              f"{g['good']}/{g['fairly_good']}/{g['average']}/{g['poor']} |")
    (small, big) = results
    print(f"ratio 4000/40: time ×{big[1] / small[1]:.1f}, queries ×{big[2] / small[2]:.1f}")


if __name__ == "__main__":
    main()
