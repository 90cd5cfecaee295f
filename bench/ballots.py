"""Benchmark: anonymous ballot intake over HTTP against `dangjian serve` on PostgreSQL.

Not a test. Run once and copy the figures into docs/performance.md ("Ballots"):

    createdb -h 127.0.0.1 -U postgres dangjian_bench_ballots
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangjian_bench_ballots \
        DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/ballots.py

Needs pgbench (Debian: postgresql-client) and wrk (Debian: wrk) on the PATH.

It migrates the database, starts `dangjian serve --workers BENCH_WORKERS --threads
BENCH_THREADS` (default: cores + 1 workers, 2 threads each) on a free port as a child process,
then:
1. a meeting: one box with 40 reporters, 300 one-time codes; 300 raters submit a full sheet
   (40 grades) each, 32 at a time (a hall of phones; a Python client) — sheets/s, p50/p99;
2. a flood: a second box with 40 reporters and BENCH_FLOOD codes; wrk keeps 64 keep-alive
   connections posting sheets back to back for BENCH_SECONDS (bench/ballots_flood.lua gives
   each request a fresh code and reads the receipt from each answer) — sheets/s, p50/p99;
3. checks that nothing was lost or counted twice: every receipt a client was shown is in the
   box's published receipts, no receipt was shown twice, there are no more ballots than codes
   sent, issued ≥ used = ballots = complete ballots (the audit line);
4. pgbench in the same run: 64 clients doing raw single-row INSERTs into a scratch table for
   the same number of seconds as the flood — INSERT/s; prints the ratio of the two rates.
The boxes stay in the database (drop it afterwards). It prints the load average before and
after: the machine may be shared.
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")
os.environ.setdefault("DANGJIAN_DEMO", "1")  # keys generated under DANGJIAN_HOME, as in the demo

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from dangjian.ballots.models import Ballot, Box  # noqa: E402
from dangjian.ballots.selectors import audit, receipts  # noqa: E402
from dangjian.ballots.services import box_create, box_open, codes_issue  # noqa: E402
from dangjian.org.models import Body, BodyKind  # noqa: E402
from dangjian.org.services import body_create  # noqa: E402

CANDIDATES = 40
RATERS = 300
CLIENTS = 64
FLOOD = int(os.environ.get("BENCH_FLOOD", "80000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
# The sizing that did best here (docs/performance.md): one worker more than cores, 2 threads each.
WORKERS = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 1) + 1)))
THREADS = os.environ.get("BENCH_THREADS", "2")
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
    threads = ["--threads", THREADS] if THREADS else []
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port),
                             "--workers", str(WORKERS), *threads], env=os.environ.copy(),
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
        self.port, self.path, self.cands = port, f"/b/{box.token}/", cands
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


@dataclass
class Flood:
    seconds: float
    sent: int
    receipts: list[str]
    refused: int
    errors: int
    p50_ms: float
    p99_ms: float


def _flood(port: int, box: Box, codes: list[str], cands: list[int]) -> Flood:
    """wrk, 64 connections on 2 threads, posting sheets for SECONDS (bench/ballots_flood.lua)."""
    exe = shutil.which("wrk")
    if exe is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="bench-ballots-"))
    (work / "codes").write_text("\n".join(codes) + "\n")
    # A few different sheets, so the grades are not all the same.
    (work / "tails").write_text("".join(
        urllib.parse.urlencode({f"c_{pk}": GRADES[(v + i) % 4] for i, pk in enumerate(cands)})
        + "\n" for v in range(4)))
    threads = 2
    env = {**os.environ, "BENCH_CODES": str(work / "codes"), "BENCH_TAILS": str(work / "tails"),
           "BENCH_THREADS": str(threads), "BENCH_PATH": f"/b/{box.token}/",
           "BENCH_OUT": str(work / "out")}
    subprocess.run([exe, "-t", str(threads), "-c", str(CLIENTS), "-d", f"{SECONDS}s",
                    "--timeout", "30s", "-s", str(ROOT / "bench" / "ballots_flood.lua"),
                    f"http://127.0.0.1:{port}/b/{box.token}/"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    out: dict[str, int] = {}
    receipts: list[str] = []
    for line in (work / "out").read_text().splitlines():
        key, value = line.split(" ", 1)
        if key == "receipt":
            receipts.append(value)
        else:
            out[key] = int(value)
    shutil.rmtree(work)
    if out["sent"] > len(codes):
        raise SystemExit(f"the flood ran out of codes ({len(codes)}): raise BENCH_FLOOD")
    return Flood(seconds=out["duration_us"] / 1e6, sent=out["sent"], receipts=receipts,
                 refused=out["refused"], errors=out["errors"], p50_ms=out["p50_us"] / 1000,
                 p99_ms=out["p99_us"] / 1000)


def _report_flood(flood: Flood, box: Box) -> float:
    """Lost: a receipt shown that is not published, or more receipts than ballots. Duplicated:
    a receipt shown twice, or more ballots than codes sent. Sheets in flight when wrk stopped
    may be stored without their answer being read: counted as unanswered, not as lost."""
    published = set(receipts(box))
    a = audit(box)
    assert a.used == a.ballots == a.counted, a
    lost = sum(1 for r in flood.receipts if r not in published) + max(
        0, len(flood.receipts) - a.ballots)
    duplicated = (len(flood.receipts) - len(set(flood.receipts))) + max(0, a.ballots - flood.sent)
    rate = len(flood.receipts) / flood.seconds
    print(f"flood ({CLIENTS} connections, wrk): {len(flood.receipts)} sheets in "
          f"{flood.seconds:.1f} s = {rate:.0f} sheets/s; latency p50 {flood.p50_ms:.1f} ms, "
          f"p99 {flood.p99_ms:.1f} ms; refused {flood.refused}, socket errors {flood.errors}; "
          f"lost {lost}, duplicated {duplicated}; ballots in box {a.ballots} "
          f"(unanswered at the cut-off {a.ballots - len(flood.receipts)}); audit issued "
          f"{a.issued} ≥ used {a.used} = ballots {a.ballots} = complete {a.counted}")
    return rate


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL: set DATABASE_URL (see the docstring)")
    call_command("migrate", verbosity=0)
    print(f"load average before: {os.getloadavg()}")
    root = body_create(actor=None, name=f"基准测试县委{time.time_ns()}",
                       kind=BodyKind.COUNTY_COMMITTEE, parent=None,
                       valid_from=django.utils.timezone.localdate(), check_scope=False)
    flood_box, flood_codes, flood_cands = _box(root, "持续提交", FLOOD)
    port = _free_port()
    server = _serve(port)
    try:
        box, codes, cands = _box(root, "述职评议会（300人×40名述职人）", RATERS)
        meeting = Run(port, box, cands)
        _report("meeting (300 raters x 40 reporters, 32 at a time)", meeting,
                meeting.go(codes, 32), box)
        flood = _flood(port, flood_box, flood_codes, flood_cands)
    finally:
        server.terminate()
        server.wait(timeout=10)
    rate = _report_flood(flood, flood_box)
    seconds = max(5, round(flood.seconds))
    raw = _pgbench(seconds)
    print(f"pgbench: {CLIENTS} clients, single-row INSERT, {seconds} s: {raw:.0f} INSERT/s")
    print(f"ballot sheets: {rate:.0f}/s, raw INSERT: {raw:.0f}/s, ratio: {rate / raw:.2f}")
    print(f"load average after: {os.getloadavg()}")
    print(f"(server: dangjian serve, {WORKERS} worker process(es)"
          f"{', ' + THREADS + ' threads each' if THREADS else ''}, {os.cpu_count()} cores; "
          f"{CANDIDATES} grades per sheet; database {connection.settings_dict['NAME']})")


if __name__ == "__main__":
    main()
