"""Benchmark: the Excel import of people through the task queue, beside openpyxl's bare read of
the same file, and how long the import page takes to answer the upload.

Not a test. Run on a database of its own and copy the figures into docs/performance.md
("Import through the task queue"):

    DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/import_job.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangjian_bench_import \
        DANGJIAN_HOME=$(mktemp -d) .venv/bin/python bench/import_job.py

It migrates, builds the small test county (not timed) and starts a real `dangjian worker`. For
each size (BENCH_ROWS, default 1000,10000,20000) it writes a people file, then measures in the
same run:
1. openpyxl's bare read of the file (read-only mode, every cell's value);
2. the import page's answer to the upload (POST /org/import/ through Django's test client, in
   this process: receiving the file, storing it, queueing the job, the redirect);
3. the job from its submission to 已完成 (rows/s), and from the worker's start of it.
The ratio is the bare read's time over the job's time (1.0 would be as fast as reading).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from dangjian.accounts.models import User  # noqa: E402
from dangjian.jobs.models import Job  # noqa: E402
from dangjian.org.excel import SPECS  # noqa: E402
from dangjian.org.idcard import make_id_number  # noqa: E402
from dangjian.org.models import Person  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_ROWS", "1000,10000,20000").split(",")]
HEADERS = [c.header for c in SPECS["people"].import_columns]
UNIT, BRANCH = "县教育局", "县教育局第1党支部"


def people_file(n: int, run: int) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for i in range(n):
        birth = dt.date(1960 + i // 900 % 40, 1 + i % 12, 1 + i % 28)
        values = {
            "姓名": f"导入{run}号{i}", "性别": "女" if i % 2 else "男", "出生日期": None,
            "身份证号": make_id_number(f"1{run:02d}101", birth, 100 + i % 900),
            "学历": "大学本科", "专业": "会计", "行政职务": "科员", "职级": "",
            "政治面貌": "中共党员", "入党日期": dt.date(2010, 7, 1), "所在单位": UNIT,
            "所在党组织": BRANCH, "后备干部": "否", "党务干部": "否", "专兼职": "",
            "联系电话": "13900000000",
        }
        ws.append([values[h] for h in HEADERS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def bare_read(data: bytes) -> float:
    started = time.perf_counter()
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for _ in wb.worksheets[0].iter_rows(values_only=True):
        pass
    wb.close()
    return time.perf_counter() - started


def main() -> None:
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="t_wc_admin").exists():
        from dangjian.testing import build_county

        build_county()
    admin = User.objects.get(username="t_wc_admin")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    worker = subprocess.Popen([sys.executable, "-m", "dangjian.runner", "worker",
                               "--interval", "0.2"], stdout=subprocess.PIPE)
    assert worker.stdout is not None
    worker.stdout.readline()
    vendor = django.db.connection.vendor
    print(f"database: {vendor}; MEDIA_ROOT {settings.MEDIA_ROOT}")
    print("| rows | bare read (s) | page answer (s) | job (s) | rows/s | ratio |")
    print("|---:|---:|---:|---:|---:|---:|")
    try:
        for run, n in enumerate(SIZES, start=1):
            data = people_file(n, run + int(time.time()) % 50)
            read = bare_read(data)
            before = Person.objects.count()
            started = time.perf_counter()
            response = client.post("/org/import/", {
                "kind": "people", "file": SimpleUploadedFile("人员.xlsx", data)})
            answered = time.perf_counter() - started
            assert response.status_code == 302, response.status_code
            job = Job.objects.order_by("-pk").first()
            assert job is not None
            while True:
                job.refresh_from_db()
                if job.finished_state:
                    break
                time.sleep(0.1)
            took = time.perf_counter() - started
            created = Person.objects.count() - before
            assert job.state == "done" and job.result and job.result.get("ok"), (
                job.state, job.error, (job.result or {}).get("problems", [])[:3])
            assert created == n, created
            print(f"| {n:,} | {read:.2f} | {answered:.3f} | {took:.1f} | {n / took:.0f} | "
                  f"{read / took:.3f} |", flush=True)
    finally:
        worker.terminate()
        worker.wait(60)


if __name__ == "__main__":
    main()
