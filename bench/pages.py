"""Benchmark: the main pages over HTTP, as a logged-in 工委 user, at 1×, 10× and 100× the demo.

Not a test. Run once per database and copy the tables into docs/performance.md ("Pages"):

    .venv/bin/python bench/pages.py                        # SQLite, scratch DANGJIAN_HOME
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --quick                # a few seconds a page, 1× only

Needs wrk (Debian: wrk) on the PATH; for PostgreSQL a server where the URL's user may create
databases. It always works on scratch data: a new DANGJIAN_HOME (SQLite's file, the demo's
keys) removed at the end, and on PostgreSQL a database `<name of the URL's database>_pages`
it creates (dropping one left over) and drops at the end (`--keep` keeps both).

1. migrates and builds the demo county (`demo_build(seed=1)`, as `dangjian demo-data`);
2. for each size (`--sizes 1,10,100`, multiples of the demo's people): grows the registry with
   bench/grow.py (copies of the demo's departments in bulk; what it skips is said there), runs
   ANALYZE, checks that every change chain still verifies, then starts `dangjian serve`
   (`--workers 3 --threads 2`) on a free port in 8400-8499, logs in through the login form
   (`gwadmin`, the demo password) and
   - requests each page one at a time (`--repeat` times; median time and size of the answer);
   - runs wrk on each page and on `/healthz` (with the same session: the baseline) for
     `--seconds` at each of `--connections` (bench/pages.lua counts every answer that is not
     200; any such answer stops the run: the session broke or the page failed; after each
     run it waits for the server to go idle).
3. prints two Markdown tables: req/s, p50 and p99 per page and concurrency with the ratio to
   /healthz's req/s; and per page the one-at-a-time time and size at each size with the ratio
   to the first size. The load average (the machine may be shared) is printed beside each run.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
USER_AGENT = "bench-pages"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10,100", help="multiples of the demo's people")
    parser.add_argument("--seconds", type=int, default=15, help="wrk's duration per run")
    parser.add_argument("--connections", default="16,64", help="wrk's connections, per run")
    parser.add_argument("--repeat", type=int, default=7, help="one-at-a-time requests per page")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--user", default="gwadmin", help="the demo account to log in as")
    parser.add_argument("--quick", action="store_true", help="1× only, 3 s runs, 16 connections")
    parser.add_argument("--keep", action="store_true", help="keep the scratch data")
    parser.add_argument("--from", dest="source", type=Path, default=None,
                        help="SQLite: start from a copy of this DANGJIAN_HOME, where "
                             "`dangjian demo-data` was run, instead of building the demo")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.seconds, args.connections, args.repeat = "1", 5, "16", 3
    args.sizes = sorted(int(s) for s in args.sizes.split(","))
    args.connections = [int(c) for c in args.connections.split(",")]
    return args


# -- scratch data ---------------------------------------------------------------------------
class Scratch:
    """A new DANGJIAN_HOME, and on PostgreSQL a new database: set up before Django starts."""

    def __init__(self, source: Path | None) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="bench-pages-"))
        if source is not None:
            shutil.copytree(source, self.home, dirs_exist_ok=True)
        os.environ["DANGJIAN_HOME"] = str(self.home)
        os.environ["DANGJIAN_DEMO"] = "1"  # demo keys and the demo accounts' password
        self.admin_url = ""
        self.name = ""
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            if source is not None:
                raise SystemExit("--from is for SQLite only")
            parts = urllib.parse.urlsplit(url)
            self.admin_url, self.name = url, f"{parts.path.lstrip('/') or 'postgres'}_pages"
            self._sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._sql(f'CREATE DATABASE "{self.name}"')
            os.environ["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(
                path=f"/{self.name}"))
        else:
            os.environ.pop("DATABASE_URL", None)  # SQLite in the scratch DANGJIAN_HOME

    def _sql(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql.encode())

    def remove(self) -> None:
        if self.name:
            from django.db import connections

            connections.close_all()
            self._sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.home, ignore_errors=True)


# -- the data -------------------------------------------------------------------------------
def build() -> Any:
    """Migrate and build the demo county; returns a function growing it to a size."""
    from django.core.management import call_command
    from django.db import connection

    from dangjian.demo.builder import demo_build, demo_exists
    from dangjian.org.models import Person

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - start:.0f} s; building the demo county")
    start = time.perf_counter()
    if not demo_exists():
        demo_build(seed=1)
    base = Person.objects.filter(left_on__isnull=True).count()
    log(f"demo county built in {time.perf_counter() - start:.0f} s ({base} people)")

    def grow(size: int) -> str:
        from bench.grow import registry_grow
        from dangjian.org.models import Body
        from dangjian.trail.selectors import change_chains
        from dangjian.trail.services import trail_verify

        start = time.perf_counter()
        copies = registry_grow(factor=size, base_people=base)
        took = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        broken = [c for c in change_chains() if not trail_verify(chain=c).ok]
        if broken:
            raise SystemExit(f"change chains no longer verify: {broken}")
        people = Person.objects.filter(left_on__isnull=True).count()
        bodies = Body.objects.filter(valid_to__isnull=True).count()
        text = (f"{size}×: {people:,} people, {bodies:,} bodies ({copies} copies of the "
                f"departments added in {took:.0f} s; change chains verify)")
        log(text)
        return text

    return grow


def page_urls() -> list[tuple[str, str]]:
    """(label, path) of the pages measured; ids from the demo's data."""
    from django.db.models import Count

    from dangjian.demo.catalog import SHOWCASE
    from dangjian.duty_review.models import Meeting, ReviewPlan
    from dangjian.org.models import Body, BodyKind

    plan = ReviewPlan.objects.order_by("-year__year")[0]
    meeting = Meeting.objects.filter(box__isnull=False).annotate(n=Count("agenda")) \
        .order_by("-n", "pk")[0]
    body = Body.objects.get(name=SHOWCASE, kind=BodyKind.UNIT)
    return [
        ("工作台", "/"),
        ("人员", "/org/people/"),
        ("组织机构树", "/org/"),
        ("考核总览", "/assessment/"),
        ("述职方案", f"/duty-review/plans/{plan.pk}/"),
        ("报告审核", "/duty-review/queue/"),
        ("评议结果", f"/duty-review/meetings/{meeting.pk}/results/"),
        ("两个责任", "/responsibility/"),
        ("单位页", f"/org/bodies/{body.pk}/"),
        ("职务", "/org/posts/"),
    ]


# -- the server -----------------------------------------------------------------------------
def free_port() -> int:
    for port in range(8400, 8500):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 8400-8499")


def serve(port: int, workers: int, threads: int, home: Path) -> subprocess.Popen[bytes]:
    from django.db import connections

    connections.close_all()
    out = open(home / f"serve-{port}.log", "wb")  # noqa: SIM115 (the server's, closed with it)
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("dangjian")), "serve", "--port", str(port),
         "--workers", str(workers), "--threads", str(threads)],
        env=os.environ.copy(), stdout=out, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"dangjian serve did not start (log: {home}/serve-{port}.log)")


class HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.fields[a["name"] or ""] = a.get("value") or ""


def login(base: str, username: str) -> str:
    """Log in through the form as a browser would; returns the Cookie header of the session."""
    from dangjian.accounts.passwords import DEMO_PASSWORD

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    form = HiddenInputs()
    form.feed(opener.open(f"{base}/accounts/login/").read().decode())
    data = {**form.fields, "username": username, "password": DEMO_PASSWORD}
    request = urllib.request.Request(f"{base}/accounts/login/",
                                     data=urllib.parse.urlencode(data).encode(),
                                     headers={"Referer": f"{base}/accounts/login/"})
    with opener.open(request) as answer:
        if urllib.parse.urlsplit(answer.geturl()).path != "/":
            raise SystemExit(f"login as {username} failed: ended on {answer.geturl()}")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


# -- measuring ------------------------------------------------------------------------------
def one_at_a_time(port: int, cookie: str, path: str, repeat: int) -> tuple[float, int]:
    """Median ms and bytes of `repeat` requests, one after another on one connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie, "User-Agent": USER_AGENT}
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        answer = conn.getresponse()
        body = answer.read()
        times.append((time.perf_counter() - start) * 1000)
        if answer.status != 200:
            raise SystemExit(f"{path}: answered {answer.status} (the session broke?)")
        size = len(body)
    conn.close()
    return statistics.median(times), size


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    timeouts: int


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its children (Linux /proc)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def settle(pid: int) -> None:
    """Requests still running when wrk stopped would slow the next run: wait until the
    server has been idle (under 3 % of a core) for a second, at most two minutes."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        before = server_cpu(pid)
        time.sleep(1)
        if server_cpu(pid) - before < 0.03:
            return


def wrk(port: int, cookie: str, path: str, connections: int, seconds: int) -> Run:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "60s",
         "-s", str(ROOT / "bench" / "pages.lua"), f"http://127.0.0.1:{port}{path}"],
        env={**os.environ, "BENCH_COOKIE": cookie}, capture_output=True, text=True, check=True)
    figures = dict(line.split(" ", 1) for line in out.stdout.splitlines()
                   if line.split(" ", 1)[0] in {"requests", "duration_us", "bad", "errors",
                                                "timeouts", "p50_us", "p99_us"})
    got = {k: int(v) for k, v in figures.items()}
    if got["bad"] or got["errors"]:
        raise SystemExit(f"{path} at {connections} connections: {got['bad']} answers not 200, "
                         f"{got['errors']} socket errors (the session broke or the page failed)")
    return Run(got["requests"] / (got["duration_us"] / 1e6), got["p50_us"] / 1000,
               got["p99_us"] / 1000, got["timeouts"])


def main() -> None:
    args = arguments()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    scratch = Scratch(args.source)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    print(f"# {' '.join(sys.argv)}\n\n{database}; {time.strftime('%Y-%m-%d %H:%M %Z')}; "
          f"{os.cpu_count()} cores; `dangjian serve --workers {args.workers} --threads "
          f"{args.threads}`; wrk {args.seconds} s per run, 2 threads; as `{args.user}`\n")
    server: subprocess.Popen[bytes] | None = None
    rows: dict[int, dict[str, tuple[float, int]]] = {}
    try:
        grow = build()
        pages = page_urls()
        for size in args.sizes:
            what = grow(size)
            port = free_port()
            server = serve(port, args.workers, args.threads, scratch.home)
            cookie = login(f"http://127.0.0.1:{port}", args.user)
            for _, path in pages:  # warm up: a connection for each worker
                for _ in range(args.workers):
                    one_at_a_time(port, cookie, path, 1)
            rows[size] = {path: one_at_a_time(port, cookie, path, args.repeat)
                          for _, path in pages}
            log("one at a time: " + ", ".join(f"{path} {ms:.0f} ms {n / 1024:.0f} KB"
                                               for path, (ms, n) in rows[size].items()))
            print(f"\n## {what}\n\n| page | connections | req/s | p50 ms | p99 ms | "
                  "÷ /healthz req/s | timeouts | load |\n|---|---:|---:|---:|---:|---:|---:|---|",
                  flush=True)
            for c in args.connections:
                base = wrk(port, cookie, "/healthz", c, args.seconds)
                settle(server.pid)
                print(f"| `/healthz` | {c} | {base.rps:,.0f} | {base.p50_ms:.1f} | "
                      f"{base.p99_ms:.1f} | 1 | {base.timeouts} | {load()} |", flush=True)
                for label, path in pages:
                    r = wrk(port, cookie, path, c, args.seconds)
                    settle(server.pid)
                    lat = f"{r.p50_ms:.0f} | {r.p99_ms:.0f}" if r.rps else "— | —"  # none done
                    print(f"| {label} `{path}` | {c} | {r.rps:,.1f} | {lat} | "
                          f"{r.rps / base.rps:.3f} | {r.timeouts} | {load()} |", flush=True)
            server.terminate()
            server.wait(timeout=30)
            server = None
        first = args.sizes[0]
        print(f"\n## One request at a time (median of {args.repeat})\n")
        head = " | ".join(f"{s}× ms | {s}× KB" + (f" | ms ÷ {first}× | KB ÷ {first}×"
                                                   if s != first else "") for s in args.sizes)
        print(f"| page | {head} |\n|---|" + "---:|" * (len(head.split("|"))))
        for label, path in pages:
            cells = []
            for s in args.sizes:
                ms, size = rows[s][path]
                cells.append(f"{ms:.1f} | {size / 1024:,.0f}")
                if s != first:
                    ms1, size1 = rows[first][path]
                    cells.append(f"{ms / ms1:.1f} | {size / size1:.1f}")
            print(f"| {label} `{path}` | {' | '.join(cells)} |")
        print(f"\nload average at the end: {load()}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            scratch.remove()


if __name__ == "__main__":
    main()
