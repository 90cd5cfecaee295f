"""Benchmark: 1,000,000 履责纪实 records on the SM3 hash chains of the demo county, then verify.

Not a test. Run once and copy the figures into docs/performance.md ("Trail"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangjian_bench_trail \
        DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/trail.py

It migrates the database, builds the demo county if it is not there (not timed), then:
1. appends SERVICE records through the real write path (`record_add`: scope, validation, the
   record row, its chain entry under the chain-head lock), round robin over every organisation
   with a handed-in list — records/s of the service;
2. measures the list pages (county overview, a ledger, an item's records) — time and queries;
3. fills up to TOTAL records with a bulk loader that builds exactly what `record_add` builds
   (same canonical content, same SM3 chaining via `entry_digest`) in batches — records/s;
4. measures the same pages again;
5. runs the complete check (`verify_everything`: SM3 of every entry of every chain, links,
   head, checkpoints, then every record row against its entry, every item's derived figures,
   every attachment against its trace) — records/s; then `trail_verify` on the duty chains
   alone; then the raw rate of hashlib's sm3 over the very bytes the verifier hashes.
The data stays in the database (drop it afterwards). Sizes: BENCH_RECORDS, BENCH_SERVICE.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
os.environ.setdefault("DANGJIAN_DEMO", "1")  # keys generated under DANGJIAN_HOME, as in the demo

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F, Value  # noqa: E402
from django.db.models.functions import Greatest  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from dangjian.cycles.services import year_current  # noqa: E402
from dangjian.org.models import Role, RoleAssignment  # noqa: E402
from dangjian.responsibility.models import (  # noqa: E402
    RECORDABLE,
    DutyRecord,
    LedgerItem,
    chain_for,
)
from dangjian.responsibility.services import record_add  # noqa: E402
from dangjian.responsibility.services.records import SUBJECT_TYPE, record_content  # noqa: E402
from dangjian.trail.models import ChainHead, TrailEntry  # noqa: E402
from dangjian.trail.services import _canonical, entry_digest, sm3_hex, trail_verify  # noqa: E402
from dangjian.trail.verification import verify_everything  # noqa: E402

TOTAL = int(os.environ.get("BENCH_RECORDS", 1_000_000))
SERVICE = int(os.environ.get("BENCH_SERVICE", 10_000))
BATCH = 5000


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def items_by_body() -> dict[int, list[LedgerItem]]:
    year = year_current()
    out: dict[int, list[LedgerItem]] = {}
    for item in LedgerItem.objects.filter(rlist__year=year, rlist__status__in=RECORDABLE) \
            .select_related("rlist__body", "rlist__year").order_by("rlist__body__path", "order"):
        out.setdefault(item.rlist.body_id, []).append(item)
    return out


def service_phase(groups: dict[int, list[LedgerItem]], n: int, actor: Any) -> float:
    bodies = sorted(groups)
    today = timezone.localdate()
    start = time.perf_counter()
    for i in range(n):
        items = groups[bodies[i % len(bodies)]]
        record_add(actor=actor, item=items[(i // len(bodies)) % len(items)], summary=f"履责{i}",
                   occurred_on=today, progress=i % 100, check_scope=False)
    return n / (time.perf_counter() - start)


def bulk_phase(groups: dict[int, list[LedgerItem]], target: int, actor: Any) -> tuple[int, float]:
    """Append until TOTAL records exist: the same rows record_add would write, in batches."""
    bodies = sorted(groups)
    missing = target - DutyRecord.objects.count()
    per_body = max(0, missing // len(bodies))
    today = timezone.localdate()
    name = actor.get_full_name() or actor.get_username()
    added, start = 0, time.perf_counter()
    for n_body, body_id in enumerate(bodies):
        items = groups[body_id]
        want = per_body + (missing - per_body * len(bodies) if n_body == 0 else 0)
        chain = chain_for(body_id)
        body_path = items[0].rlist.body.path
        while want > 0:
            k = min(BATCH, want)
            with transaction.atomic():
                head = ChainHead.objects.select_for_update().get(chain=chain)
                now = timezone.now()
                records = [DutyRecord(item=items[(head.seq + j) % len(items)], body_id=body_id,
                                      chain_seq=head.seq + 1 + j, summary=f"履责{head.seq + j}",
                                      occurred_on=today, recorded_at=now, recorded_by=actor,
                                      recorder_name=name, progress=(head.seq + j) % 100,
                                      is_late=False) for j in range(k)]
                DutyRecord.objects.bulk_create(records)
                prev, entries = head.digest, []
                for record in records:
                    entry = TrailEntry(
                        chain=chain, seq=record.chain_seq, at=now, actor=actor, actor_name=name,
                        action="record", subject_type=SUBJECT_TYPE, subject_id=str(record.pk),
                        subject_label=str(record), scope_path=body_path,
                        after={"记录": record_content(record, []),
                               "事项内容": record.item.content[:200]},
                        note="", prev_digest=prev)
                    entry.digest = prev = entry_digest(entry)
                    entries.append(entry)
                TrailEntry.objects.bulk_create(entries)
                derived: dict[int, tuple[int, int]] = {}
                for record in records:  # what record_add keeps on the item
                    best, n = derived.get(record.item_id, (0, 0))
                    derived[record.item_id] = (max(best, record.progress), n + 1)
                for item_id, (best, n) in derived.items():
                    LedgerItem.objects.filter(pk=item_id).update(
                        progress=Greatest("progress", Value(best)), n_records=F("n_records") + n)
                head.seq, head.digest = records[-1].chain_seq, prev
                head.save(update_fields=["seq", "digest"])
            want -= k
            added += k
            if added % 100_000 < BATCH:
                log(f"  bulk: {added:,} appended ({added / (time.perf_counter() - start):,.0f}/s)")
    return added, added / (time.perf_counter() - start)


def pages(client: Client, groups: dict[int, list[LedgerItem]]) -> list[tuple[str, float, int]]:
    busiest = max(groups, key=lambda b: len(groups[b]))
    item = LedgerItem.objects.filter(rlist__body_id=busiest).order_by("-n_records")[0]
    urls = [("县纪委总览 /responsibility/", reverse("responsibility:index")),
            ("台账（进度、完成率）", reverse("responsibility:list_detail", args=[item.rlist_id])),
            ("事项纪实（第1页）", reverse("responsibility:item_detail", args=[item.pk]))]
    out = []
    for label, url in urls:
        times, queries = [], 0
        for _ in range(5):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                assert client.get(url).status_code == 200
                times.append((time.perf_counter() - t) * 1000)
            queries = len(ctx.captured_queries)
        out.append((label, statistics.median(times), queries))
    return out


def verify_phase(bodies: list[Any]) -> dict[str, float]:
    n = DutyRecord.objects.count()
    t = time.perf_counter()
    report = verify_everything()
    full = time.perf_counter() - t
    assert report.ok, report.findings[:3]
    t = time.perf_counter()
    entries = sum(trail_verify(chain=chain_for(b.pk)).checked for b in bodies)
    chain_only = time.perf_counter() - t
    raw, size = 0.0, 0
    for b in bodies:
        qs = TrailEntry.objects.filter(chain=chain_for(b.pk)).order_by("seq")
        data = [_canonical(e) for e in qs.iterator(chunk_size=5000)]
        size += sum(len(d) for d in data)
        t = time.perf_counter()
        for d in data:
            sm3_hex(d)
        raw += time.perf_counter() - t
    return {"records": n, "entries": entries, "full_rate": n / full, "full_s": full,
            "chain_rate": entries / chain_only, "chain_s": chain_only,
            "raw_rate": entries / raw, "raw_s": raw, "mb": size / 1e6}


def user_with(role: str) -> Any:
    return RoleAssignment.objects.filter(role=role).select_related("user").order_by("pk")[0].user


def analyze() -> None:
    """Fresh planner statistics after the bulk load, as autovacuum would soon give them (right
    after loading ~1M rows PostgreSQL may otherwise pick a poor plan for a while)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def pages_only() -> None:
    """BENCH_PAGES_ONLY=1: measure the pages on the data already loaded."""
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user_with(Role.DISCIPLINE_COMMISSION))
    analyze()
    n = DutyRecord.objects.count()
    for label, ms, q in pages(client, items_by_body()):
        print(f"| {label} | {n:,} | {ms:.1f} | {q} |")


def main() -> None:
    connection.ensure_connection()
    log(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    from dangjian.demo.builder import demo_build, demo_exists

    if not demo_exists():
        log("building the demo county (not timed)")
        if os.environ.get("BENCH_ONLY_THIS_MODULE", "1") == "1":
            # Only this module's demo step: the county is the same, the other modules' demo
            # work does not matter here (and need not hold up this benchmark).
            from dangjian.demo import builder
            from dangjian.responsibility import demo_steps

            def only_this(county: Any) -> list[str]:
                demo_steps.demo_build(county)
                return ["responsibility"]

            builder.module_steps = only_this
        demo_build(seed=1)
    actor, jiwei = user_with(Role.ORG_SECRETARY), user_with(Role.DISCIPLINE_COMMISSION)
    groups = items_by_body()
    log(f"{len(groups)} organisations with handed-in lists; "
        f"{DutyRecord.objects.count():,} records before")
    service_rate = service_phase(groups, SERVICE, actor)
    log(f"service append: {service_rate:,.0f} records/s")
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(jiwei)
    small = (DutyRecord.objects.count(), pages(client, groups))
    log(f"pages at {small[0]:,}: {small[1]}")
    added, bulk_rate = bulk_phase(groups, TOTAL, actor)
    log(f"bulk append: {added:,} at {bulk_rate:,.0f} records/s")
    analyze()
    large = (DutyRecord.objects.count(), pages(client, groups))
    log(f"pages at {large[0]:,}: {large[1]}")
    from dangjian.org.models import Body

    bodies = list(Body.objects.filter(pk__in=DutyRecord.objects.values("body_id").distinct()))
    v = verify_phase(bodies)
    log(f"verify: {v}")
    print("\n| measure | records | records/s |\n|---|---:|---:|")
    print(f"| append through `record_add` | {SERVICE:,} | {service_rate:,.0f} |")
    print(f"| append, bulk loader | {added:,} | {bulk_rate:,.0f} |")
    print(f"| verify, complete check (`verify_everything`) | {v['records']:,} | "
          f"{v['full_rate']:,.0f} |")
    print(f"| verify chain only (`trail_verify`) | {v['entries']:,} | {v['chain_rate']:,.0f} |")
    print(f"| raw hashlib sm3, same bytes ({v['mb']:,.0f} MB) | {v['entries']:,} | "
          f"{v['raw_rate']:,.0f} |")
    print(f"\nratio raw sm3 / full verify: {v['raw_rate'] / v['full_rate']:.1f}; "
          f"raw sm3 / chain-only verify: {v['raw_rate'] / v['chain_rate']:.1f}")
    print("\n| page | records | median ms | queries |\n|---|---:|---:|---:|")
    for n, rows in (small, large):
        for label, ms, q in rows:
            print(f"| {label} | {n:,} | {ms:.1f} | {q} |")


if __name__ == "__main__":
    pages_only() if os.environ.get("BENCH_PAGES_ONLY") == "1" else main()
