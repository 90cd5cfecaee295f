"""Benchmark: concurrent traced writes, one change chain for the whole trace vs. one per county.

Not a test. Run once and copy the figures into docs/performance.md ("Change trace"):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dj_chains \
        DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/change_chains.py

Every traced write appends to a change chain under that chain's head row lock, held until the
write's transaction commits. The script migrates the database and builds (through the real
services, not timed) WRITERS small counties with one department each, and one more county with
WRITERS departments. Then WRITERS processes (each its own database connection) write for
SECONDS each, all at once, every one in its own department (its own people: no row is shared
but the chain head), in these set-ups, interleaved, ROUNDS times (median of the rounds):

- single chain: departments in different counties, the trace forced onto the one chain every
  change went on before (`changes_chain` replaced, in the worker processes only, by the old
  constant): the "before";
- per county: the same departments and writes on today's chains (one per county): the "after";
- same county: WRITERS departments of one county (one chain, as before for them);
- one writer: a single process, for what one connection does alone.

Two kinds of write: `person_update` (the real service: scope check, validation, the row, the
trace entry) and a bare traced write (one row update and `change_record` in one transaction:
the least a traced write does, so the chain's share is largest). For the bare write, "same
county, record first" takes the head lock before the row write instead of after it (a longer
hold), to show what the lock's place in the transaction costs.

Then the trace page's reads (`trail.selectors.change_list`, one page of 50 and its count, as
the page and the API run them), over TRACE_ROWS change entries among as many other entries
(another chain's, as 纪实 records are), for a county-wide reader and a department's: before,
the old query (the one chain, newest by sequence number) with every change on it; after, the
new query over the closed chain (older half) and the county's chain (newer half), with and
without the index `trail_entry_at_idx`. These rows are inserted in bulk by SQL with dummy
digests inside a transaction that is rolled back (nothing is verified over them).

The written data stays in the database (drop it afterwards). Sizes: BENCH_WRITERS,
BENCH_SECONDS, BENCH_ROUNDS, BENCH_TRACE_ROWS. On SQLite writers serialise on the database's
one write lock whatever the chain, so the script refuses to run there.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

from dangjian import testing  # noqa: E402
from dangjian.accounts.services import role_grant, user_create  # noqa: E402
from dangjian.org.models import Person, Role  # noqa: E402
from dangjian.org.scope import Perm, is_county_wide, path_q  # noqa: E402
from dangjian.org.services import person_update  # noqa: E402
from dangjian.testing import build_small_county  # noqa: E402
from dangjian.trail import changes  # noqa: E402
from dangjian.trail.models import ChainHead, TrailEntry  # noqa: E402
from dangjian.trail.selectors import change_chains, change_list  # noqa: E402
from dangjian.trail.services import trail_verify  # noqa: E402

WRITERS = int(os.environ.get("BENCH_WRITERS", 8))
SECONDS = float(os.environ.get("BENCH_SECONDS", 4))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
TRACE_ROWS = int(os.environ.get("BENCH_TRACE_ROWS", 300_000))

# (label, kind of write, where the writers are, single chain forced, record first)
SETUPS = [
    ("single chain, different counties", "service", "counties", True, False),
    ("per county, different counties", "service", "counties", False, False),
    ("per county, same county", "service", "one", False, False),
    ("one writer", "service", "solo", False, False),
    ("single chain, different counties", "bare", "counties", True, False),
    ("per county, different counties", "bare", "counties", False, False),
    ("per county, same county", "bare", "one", False, False),
    ("per county, same county, record first", "bare", "one", False, True),
    ("one writer", "bare", "solo", False, False),
]

Group = list[tuple[int, list[int]]]  # per writer: (actor id, its people's ids)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def build(tag: str) -> tuple[dict[str, Group], Any]:
    """WRITERS one-department counties, and one county of WRITERS departments."""
    testing._serial = Person.objects.count()  # fresh ID numbers when run again on the same data
    many = [build_small_county(f"{tag}县{i + 1}") for i in range(WRITERS)]
    one = build_small_county(f"{tag}合县", n_depts=WRITERS)
    counties: Group = [(c.admin.pk, [p.pk for p in c.depts[0].people]) for c in many]
    same: Group = [(one.admin.pk, [p.pk for p in d.people]) for d in one.depts]
    return {"counties": counties, "one": same, "solo": counties[:1]}, one


def write_bare(person: Person, actor: Any, n: int, record_first: bool) -> None:
    with transaction.atomic():
        phone = f"139{n % 100_000_000:08d}"
        if record_first:
            changes.change_record(actor=actor, action="update", obj=person,
                                  before={"手机号": person.phone}, after={"手机号": phone})
        Person.objects.filter(pk=person.pk).update(phone=phone)
        if not record_first:
            changes.change_record(actor=actor, action="update", obj=person,
                                  before={"手机号": person.phone}, after={"手机号": phone})
        person.phone = phone


def worker(kind: str, actor_id: int, people_ids: list[int], single: bool, record_first: bool,
           barrier: Any, out: Any) -> None:
    from dangjian.accounts.models import User

    if single:  # the old behaviour: every change on the one chain
        changes.changes_chain = lambda scope_path: changes.LEGACY_CHAIN
    actor = User.objects.get(pk=actor_id)
    people = list(Person.objects.filter(pk__in=people_ids).select_related("unit", "branch"))
    n = 0
    barrier.wait()
    stop = time.perf_counter() + SECONDS
    while time.perf_counter() < stop:
        person = people[n % len(people)]
        if kind == "service":
            person_update(actor=actor, person=person, phone=f"138{n % 100_000_000:08d}")
        else:
            write_bare(person, actor, n, record_first)
        n += 1
    connection.close()
    out.put(n)


WAITING = """SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"""


def run(kind: str, group: Group, single: bool, record_first: bool) -> tuple[float, float]:
    """Writes/s of the group, and how many of its writers were waiting for a lock (the mean
    of samples of pg_stat_activity taken while they ran: a measure of serialising that does
    not depend on how much CPU the machine has to spare)."""
    ctx = mp.get_context("fork")
    connections.close_all()  # each process opens its own connection
    barrier, out = ctx.Barrier(len(group)), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(kind, actor, people, single, record_first,
                                              barrier, out)) for actor, people in group]
    for p in procs:
        p.start()
    counts: list[int] = []
    samples: list[int] = []
    deadline = time.perf_counter() + SECONDS + 120
    with connection.cursor() as cursor:
        while len(counts) < len(procs) and time.perf_counter() < deadline:
            while not out.empty():
                counts.append(out.get())
            cursor.execute(WAITING)
            samples.append(cursor.fetchone()[0])
            time.sleep(0.02)
    for p in procs:
        p.join()
    connections.close_all()
    return sum(counts) / SECONDS, statistics.mean(samples) if samples else 0.0


FILL = """
INSERT INTO trail_trailentry (chain, seq, at, actor_name, action, subject_type, subject_id,
  subject_label, scope_path, after, note, prev_digest, digest)
SELECT %s, %s + g, now() - make_interval(mins => %s - g), '基准', 'update', %s, g::text,
  '对象' || g, (%s::text[])[1 + g %% %s], '{"值": 1}', '', repeat('0', 64), repeat('1', 64)
FROM generate_series(1, %s) g
"""


def fill(chain: str, n: int, newest_minutes_ago: int, subject: str, paths: list[str]) -> None:
    head = ChainHead.objects.filter(chain=chain).first()
    with connection.cursor() as cursor:
        cursor.execute(FILL, [chain, head.seq if head else 0, newest_minutes_ago + n, subject,
                              paths, len(paths), n])


def old_change_list(user: Any) -> Any:
    """The trace's query before per-county chains: the one chain, by sequence number."""
    qs = TrailEntry.objects.filter(chain=changes.LEGACY_CHAIN)
    if not is_county_wide(user, Perm.TRACE_VIEW):
        qs = qs.filter(path_q(user, Perm.TRACE_VIEW, "scope_path"))
    return qs.order_by("-seq")


def page_ms(query: Any, user: Any, number: int) -> tuple[float, int]:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        page = Paginator(query(user=user), 50).get_page(number)
        list(page)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), page.paginator.count


class Rollback(Exception):
    pass


def trace_phase(one: Any) -> list[tuple[str, str, int, int, float]]:
    """(layout, reader, page, entries seen, ms) for the trace's reads, all rolled back."""
    paths = [b.path for d in one.depts for b in d.branches]
    dept = one.depts[0].unit
    half = TRACE_ROWS // 2
    rows: list[tuple[str, str, int, int, float]] = []
    try:
        with transaction.atomic():
            reader = user_create(actor=None, username=f"bench_reader_{dept.pk}",
                                 password="Bench-reader-2026", full_name="基准读者",
                                 check_scope=False)
            role_grant(actor=None, user=reader, role=Role.LEADING_GROUP_SECRETARY, body=dept,
                       check_scope=False)
            readers = [("county-wide", one.admin), ("one department", reader)]
            fill("bench:other", TRACE_ROWS, 0, "responsibility.dutyrecord", paths)

            def measure(layout: str, query: Any) -> None:
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE trail_trailentry")
                for name, user in readers:
                    for number in (1, 20):
                        ms, seen = page_ms(query, user, number)
                        rows.append((layout, name, number, seen, ms))
                        log(f"trace {layout}, {name}, page {number}: {ms:.1f} ms ({seen:,})")

            with transaction.atomic():
                fill(changes.LEGACY_CHAIN, TRACE_ROWS, 0, "org.person", paths)
                measure("before: one chain, old query", old_change_list)
                transaction.set_rollback(True)
            fill(changes.LEGACY_CHAIN, half, TRACE_ROWS, "org.person", paths)
            fill(changes.changes_chain(one.root.path), TRACE_ROWS - half, 0, "org.person",
                 paths)
            measure("after: closed + county chain", change_list)
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX trail_entry_at_idx")
            measure("after, without the index", change_list)
            raise Rollback
    except Rollback:
        pass
    return rows


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: on SQLite every write waits for the one database write lock.")
    call_command("migrate", verbosity=0)
    tag = f"测{int(time.time()) % 100000}"
    log(f"building {WRITERS + 1} counties ({tag}) …")
    groups, one = build(tag)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW synchronous_commit")
        sync = cursor.fetchone()[0]
    load_start = os.getloadavg()[0]
    for kind in ("service", "bare"):  # warm up: connections, caches, the heads' rows
        run(kind, groups["counties"], False, False)
        run(kind, groups["counties"], True, False)
    rates: dict[int, list[float]] = {i: [] for i in range(len(SETUPS))}
    waits: dict[int, list[float]] = {i: [] for i in range(len(SETUPS))}
    for r in range(ROUNDS):
        order = list(enumerate(SETUPS))
        order = order[r % len(order):] + order[:r % len(order)]  # no set-up always goes first
        for i, (label, kind, where, single, first) in order:
            rate, waiting = run(kind, groups[where], single, first)
            rates[i].append(rate)
            waits[i].append(waiting)
            log(f"round {r + 1}: {kind:7} {label}: {rate:,.0f} writes/s, {waiting:.1f} waiting")
    log(f"trace reads over {TRACE_ROWS:,} change entries …")
    trace = trace_phase(one)
    chains = change_chains()
    bad = [c for c in chains if not trail_verify(chain=c).ok]
    print()
    print(f"PostgreSQL {version} (synchronous_commit={sync}); {WRITERS} writer processes, "
          f"{SECONDS:g} s each, median of {ROUNDS} rounds; cores: {os.cpu_count()}; load average "
          f"(1 min) {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end")
    print()
    print("| write | set-up | writers | writes/s | writers waiting for a lock (mean) |")
    print("|---|---|---:|---:|---:|")
    med = {i: statistics.median(v) for i, v in rates.items()}
    wait = {i: statistics.median(v) for i, v in waits.items()}
    for i, (label, kind, where, _single, _first) in enumerate(SETUPS):
        writers = len(groups[where])
        name = "`person_update`" if kind == "service" else "bare traced write"
        print(f"| {name} | {label} | {writers} | {med[i]:,.0f} | {wait[i]:.1f} |")
    print()
    for kind, before, after in (("service", 0, 1), ("bare", 4, 5)):
        print(f"{kind}: per county / single chain = {med[after] / med[before]:.2f}×")
    print(f"bare, same county: record first / record last = {med[7] / med[6]:.2f}×")
    print(f"verified {len(chains)} change chains: {bad if bad else 'all intact'}")
    print()
    print(f"Trace reads: {TRACE_ROWS:,} change entries and {TRACE_ROWS:,} others; one page of 50"
          " and its count, median of 5 (ms)")
    print()
    print("| query | reader | page | entries in scope | ms |")
    print("|---|---|---:|---:|---:|")
    for layout, name, number, seen, ms in trace:
        print(f"| {layout} | {name} | {number} | {seen:,} | {ms:.1f} |")


if __name__ == "__main__":
    main()
