"""Benchmark: anonymous ballot intake over HTTP against `dangjian serve` (waitress) on PostgreSQL.

Not a test. Run once and copy the figures into docs/performance.md ("Ballots"):

    createdb -h 127.0.0.1 -U postgres dangjian_bench_ballots
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangjian_bench_ballots \
        DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/ballots.py

pgbench comes with PostgreSQL's client tools (Debian: `apt-get install postgresql-client`, or
postgresql-contrib on older releases); `which pgbench` must find it.

It migrates the database, starts `dangjian serve --workers BENCH_WORKERS` (waitress, its
production thread count per process; default 1 process) on a free port as a child
process, then:
1. a meeting: one box with 40 reporters, 300 one-time codes; 300 raters submit a full sheet
   (40 grades) each, 32 at a time (a hall of phones) — sheets/s and p50/p99 latency;
2. a flood: a second box with 40 reporters and BENCH_FLOOD codes; 64 clients submit sheets
   back to back over keep-alive connections until the codes run out — sheets/s, p50/p99;
3. checks that nothing was lost or counted twice: every receipt a client saw is in the box's
   published receipts, ballots = used codes = successes, each ballot has 40 marks;
4. pgbench in the same run: 64 clients doing raw single-row INSERTs into a scratch table for
   the same number of seconds as the flood — INSERT/s; prints the ratio of the two rates.
The boxes stay in the database (drop it afterwards). Sizes: BENCH_FLOOD (default 6400).
It prints the load average before and after: the machine may be shared.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from dangjian.ballots.models import Ballot, Box, Mark  # noqa: E402
from dangjian.ballots.selectors import audit, receipts  # noqa: E402
from dangjian.ballots.services import box_create, box_open, codes_issue  # noqa: E402
from dangjian.org.models import Body, BodyKind  # noqa: E402
from dangjian.org.services import body_create  # noqa: E402

CANDIDATES = 40
RATERS = 300
CLIENTS = 64
FLOOD = int(os.environ.get("BENCH_FLOOD", "6400"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
GRADES = ("good", "fairly_good", "average", "poor")
RECEIPT = re.compile(r'data-testid="receipt">([A-Z0-9]+)<')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(port: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("dangjian")
    # The server's log goes to a file: an unread pipe would fill up and stall the server.
    log = open(Path(tempfile.gettempdir()) / "bench-ballots-serve.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port),
                             "--workers", str(WORKERS)], env=os.environ.copy(),
                            stdout=log, stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("dangjian serve did not start")


def _box(root: Body, title: str, n_codes: int) -> tuple[Box, list[str], list[int]]:
    box = box_create(actor=None, title=title, purpose="bench", owner_body=root,
                     candidates=[(f"述职人{i + 1:02d}", "", "") for i in range(CANDIDATES)],
                     check_scope=False)
    codes: list[str] = []
    while len(codes) < n_codes:
        codes += codes_issue(actor=None, box=box, count=min(2000, n_codes - len(codes)),
                             check_scope=False)
    box_open(actor=None, box=box, check_scope=False)
    return box, codes, list(box.candidates.values_list("pk", flat=True))


class Run:
    def __init__(self, port: int, box: Box, cands: list[int]) -> None:
        self.port, self.path, self.cands = port, f"/b/{box.pk}/", cands
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.receipts: list[str] = []
        self.failures: list[str] = []

    def client(self, codes: list[str], seed: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Connection": "keep-alive"}
        for k, code in enumerate(codes):
            form = {"code": code}
            form.update({f"c_{pk}": GRADES[(seed + k + i) % 4] for i, pk in enumerate(self.cands)})
            body = urllib.parse.urlencode(form)
            started = time.perf_counter()
            try:
                conn.request("POST", self.path, body=body, headers=headers)
                resp = conn.getresponse()
                text = resp.read().decode()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                with self.lock:
                    self.failures.append(f"{type(exc).__name__}")
                continue
            took = time.perf_counter() - started
            match = RECEIPT.search(text)
            with self.lock:
                self.latencies.append(took)
                if resp.status == 200 and match:
                    self.receipts.append(match.group(1))
                else:
                    self.failures.append(str(resp.status))
        conn.close()

    def go(self, codes: list[str], clients: int) -> float:
        shares = [codes[i::clients] for i in range(clients)]
        threads = [threading.Thread(target=self.client, args=(share, i))
                   for i, share in enumerate(shares)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - started


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _check(box: Box, run: Run) -> tuple[int, int]:
    """(lost, duplicated): receipts seen but not in the box; ballots beyond the successes."""
    published = set(receipts(box))
    lost = sum(1 for r in run.receipts if r not in published)
    a = audit(box)
    duplicated = max(0, a.ballots - len(run.receipts)) + (len(run.receipts)
                                                          - len(set(run.receipts)))
    assert a.used == a.ballots == a.counted, a
    assert Mark.objects.filter(ballot__box=box).count() == a.ballots * CANDIDATES
    return lost + max(0, len(run.receipts) - a.ballots), duplicated


def _report(name: str, run: Run, seconds: float, box: Box) -> float:
    lost, dup = _check(box, run)
    rate = len(run.receipts) / seconds
    print(f"{name}: {len(run.receipts)} sheets in {seconds:.1f} s = {rate:.0f} sheets/s; "
          f"latency p50 {statistics.median(run.latencies) * 1000:.1f} ms, "
          f"p99 {_pct(run.latencies, 0.99):.1f} ms; refused {len(run.failures)}; "
          f"lost {lost}, duplicated {dup}; ballots in box {Ballot.objects.filter(box=box).count()}")
    return rate


def _pgbench(seconds: int) -> float:
    exe = shutil.which("pgbench")
    if exe is None:
        raise SystemExit("pgbench not found: apt-get install postgresql-client")
    db = settings.DATABASES["default"]
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_raw_insert")
        cur.execute("CREATE TABLE bench_raw_insert (id bigserial PRIMARY KEY, box integer, "
                    "receipt varchar(16))")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("INSERT INTO bench_raw_insert (box, receipt) VALUES (1, 'ABCDEFGHJK');\n")
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    out = subprocess.run(
        [exe, "-n", "-c", str(CLIENTS), "-j", str(min(CLIENTS, os.cpu_count() or 2)),
         "-T", str(seconds), "-f", script.name, "-h", str(db["HOST"] or "127.0.0.1"),
         "-p", str(db["PORT"] or 5432), "-U", str(db["USER"]), str(db["NAME"])],
        env=env, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_raw_insert")
    tps = re.search(r"tps = ([0-9.]+)", out)
    assert tps, out
    return float(tps.group(1))


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL: set DATABASE_URL (see the docstring)")
    call_command("migrate", verbosity=0)
    print(f"load average before: {os.getloadavg()}")
    root = body_create(actor=None, name=f"基准测试县委{time.time_ns()}",
                       kind=BodyKind.COUNTY_COMMITTEE, parent=None,
                       valid_from=django.utils.timezone.localdate(), check_scope=False)
    port = _free_port()
    server = _serve(port)
    try:
        box, codes, cands = _box(root, "述职评议会（300人×40名述职人）", RATERS)
        meeting = Run(port, box, cands)
        _report("meeting (300 raters x 40 reporters, 32 at a time)", meeting,
                meeting.go(codes, 32), box)
        flood_box, flood_codes, flood_cands = _box(root, "持续提交", FLOOD)
        flood = Run(port, flood_box, flood_cands)
        seconds = flood.go(flood_codes, CLIENTS)
        rate = _report(f"flood ({CLIENTS} clients)", flood, seconds, flood_box)
    finally:
        server.terminate()
        server.wait(timeout=10)
    raw = _pgbench(max(5, round(seconds)))
    print(f"pgbench: {CLIENTS} clients, single-row INSERT, {max(5, round(seconds))} s: "
          f"{raw:.0f} INSERT/s")
    print(f"ballot sheets: {rate:.0f}/s, raw INSERT: {raw:.0f}/s, ratio: {rate / raw:.2f}")
    print(f"load average after: {os.getloadavg()}")
    print(f"(server: waitress, {WORKERS} process(es), {os.cpu_count()} cores; "
          f"{CANDIDATES} marks per sheet; "
          f"{len(flood_codes)} flood codes; database {connection.settings_dict['NAME']})")


if __name__ == "__main__":
    main()
