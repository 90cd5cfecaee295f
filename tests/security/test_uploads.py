"""Small files that exhaust the server, and bodies too large to read.

The bombs are built for real: a zip holding a sheet of a million blank rows (declared in its
<dimension>, and again without one), a sheet of blank rows that inflates 200-fold, and a string
table of one 256 MB string. Each is refused with a Chinese message within seconds, and nothing
is imported. A 200 MiB upload posted over real HTTP to `dangjian serve` is answered 413 in
Chinese after a few megabytes, and the server's memory does not grow.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.tests.servers import UNSET, children, first_line, free_port, reap, start
from dangjian.jobs.models import Job
from dangjian.jobs.testing import run_jobs
from dangjian.org.excel import SPECS, import_workbook
from dangjian.org.models import Person, Role

HEADERS = [c.header for c in SPECS["people"].import_columns]
MB = 1024 * 1024

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""  # noqa: E501
RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""  # noqa: E501
WORKBOOK = """<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="人员" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""  # noqa: E501
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _header_row() -> str:
    cells = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                    for i, h in enumerate(HEADERS))
    return f'<row r="1">{cells}</row>'


def _xlsx(sheet_chunks, strings_chunks=None) -> bytes:
    """A real .xlsx zip, its sheet and string table streamed in from the given chunks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in sheet_chunks:
                sheet.write(chunk.encode())
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            for chunk in strings_chunks or [f'<sst {NS} count="0" uniqueCount="0"/>']:
                strings.write(chunk.encode())
    return buffer.getvalue()


def blank_rows(rows: int, *, dimension: bool, pad: int = 0):
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>'
    if dimension:
        yield f'<dimension ref="A1:P{rows + 1}"/>'
    yield "<sheetData>" + _header_row()
    filler = " " * pad
    for start_row in range(2, rows + 2, 10_000):
        yield "".join(f'<row r="{r}">{filler}</row>'
                      for r in range(start_row, min(start_row + 10_000, rows + 2)))
    yield "</sheetData></worksheet>"


def huge_string(size: int):
    yield f'<sst {NS} count="1" uniqueCount="1"><si><t>'
    block = "党" * (MB // 3)
    for _ in range(size // len(block.encode())):
        yield block
    yield "</t></si></sst>"


def _bombs() -> dict[str, bytes]:
    return {
        "million_blank_rows_declared": _xlsx(blank_rows(1_000_000, dimension=True)),
        "million_blank_rows_undeclared": _xlsx(blank_rows(1_000_000, dimension=False)),
        "blank_rows_inflating_200x": _xlsx(blank_rows(100_000, dimension=False, pad=2000)),
        "one_256mb_shared_string": _xlsx(blank_rows(1, dimension=False),
                                         huge_string(256 * MB)),
    }


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    return _bombs()


def _inflated(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(m.file_size for m in archive.infolist())


def test_the_bombs_are_real(bombs):
    """Small uploads that inflate far: what openpyxl would otherwise have parsed."""
    for name, data in bombs.items():
        assert len(data) < 10 * MB, name  # under the upload limit
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None, name
    assert _inflated(bombs["one_256mb_shared_string"]) > 256 * MB
    assert _inflated(bombs["blank_rows_inflating_200x"]) > 150 * MB


def _refused_quickly(seconds: float, call):
    started = time.monotonic()
    result = call()
    elapsed = time.monotonic() - started
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    return result, elapsed


@pytest.mark.req("R0.8")
@pytest.mark.parametrize("name", ["million_blank_rows_declared", "million_blank_rows_undeclared",
                                  "blank_rows_inflating_200x", "one_256mb_shared_string"])
def test_a_bomb_is_refused_quickly_and_imports_nothing(county, login, bombs, name):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    assert client.get(reverse("org:import")).status_code == 200  # warm: the timing is the file's
    people, jobs = Person.objects.count(), Job.objects.count()

    def post():
        upload = SimpleUploadedFile("人员.xlsx", bombs[name], "application/octet-stream")
        return client.post(reverse("org:import"), {"kind": "people", "file": upload})

    response, elapsed = _refused_quickly(5, post)
    assert response.status_code == 400  # refused by the page, before storing or queueing
    html = response.content.decode()
    assert any(word in html for word in ("行数过多", "压缩比异常", "解压后过大", "文字内容过多"))
    assert Job.objects.count() == jobs
    run_jobs()
    assert Person.objects.count() == people
    print(f"{name}: {len(bombs[name]) / MB:.1f} MB -> {_inflated(bombs[name]) / MB:.0f} MB, "
          f"refused with {response.status_code} in {elapsed:.2f} s")


@pytest.mark.req("R0.8")
@pytest.mark.parametrize("name", ["million_blank_rows_declared", "million_blank_rows_undeclared",
                                  "blank_rows_inflating_200x", "one_256mb_shared_string"])
def test_the_reader_refuses_a_bomb_given_to_it_directly(county, bombs, name):
    """The worker's own check: a file stored before the page checked it is refused too."""
    people = Person.objects.count()
    result, _ = _refused_quickly(5, lambda: import_workbook(
        actor=county.user(Role.WORK_COMMITTEE_ADMIN), spec=SPECS["people"],
        upload=io.BytesIO(bombs[name]), size=len(bombs[name])))
    assert not result.ok and result.problems[0].row is None
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.problems[0].message)
    assert Person.objects.count() == people


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _complete(answer: bytes) -> bool:
    head, found, body = answer.partition(b"\r\n\r\n")
    if not found:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return False


def _post_huge(port: int, size: int) -> tuple[bytes, int]:
    """POST `size` bytes of upload as a browser would, reading any answer as it goes: returns
    the answer and how much of the body was sent before the server answered or hung up."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall((f"POST /org/import/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                  "Content-Type: multipart/form-data; boundary=BOUNDARY\r\n"
                  f"Content-Length: {size}\r\n\r\n").encode())
    chunk = (b'--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"'
             b"\r\n\r\n" + b"P" * MB)
    sent, answer = 0, b""
    try:
        while sent < size and not answer:
            sock.sendall(chunk)
            sent += len(chunk)
            sock.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                answer = sock.recv(65536)
            sock.setblocking(True)
    except (BrokenPipeError, ConnectionResetError):
        pass
    sock.settimeout(10)
    try:
        while not _complete(answer):
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    except (TimeoutError, ConnectionResetError):
        pass
    sock.close()
    return answer, sent


@pytest.mark.real_clock
def test_a_huge_upload_is_refused_over_http_before_it_is_read(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update({"DANGJIAN_HOME": str(home), "DANGJIAN_DEMO": "1",
                "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}"})
    port = free_port()
    proc = start(["--port", str(port), "--threads", "2"], env, home / "stderr")
    seen: list[int] = []
    try:
        assert "已启动" in first_line(proc), (home / "stderr").read_text()
        seen = children(proc.pid)
        workers = seen or [proc.pid]
        before = sum(_rss_mb(p) for p in workers)
        answer, sent = _post_huge(port, 200 * MB)
        after = sum(_rss_mb(p) for p in workers)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        reap(proc, seen)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:200]
    assert "上传的内容过大" in body.decode("utf-8", "replace")
    assert sent <= 16 * MB, f"{sent / MB:.0f} MB sent before the answer"
    assert after - before < 30, f"server memory grew {after - before:.0f} MB"
    print(f"200 MiB upload: 413 after {sent / MB:.0f} MB sent; "
          f"server RSS {before:.0f} -> {after:.0f} MB")
