"""An attacker with full read access to the database and the printed code sheet tries to link
each ballot to its slip, by every route the database offers: transaction ids (PostgreSQL's
xmin/xmax), row ids and physical order against the order of the printed sheet and the order of
casting, sequence values, timestamp columns, rows written beside the ballot, and (SQLite) the
raw bytes of the database file. The attacker is given more than a real one has: the code key,
so that every code row still in the database is known by its slip.

Ballots are cast through the public page (Django's test client), in a random order fixed by a
seed, with varied grades, a third of them by a signed-in rater. Every bound below is either
exact (0 links) or far beyond chance (a rank correlation of ±0.35 over 320 codes is more than
six standard deviations off 0).
"""

from __future__ import annotations

import random
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from dangjian.ballots.models import Ballot, Box, Code
from dangjian.ballots.selectors import audit
from dangjian.ballots.services import (
    box_close,
    box_create,
    box_open,
    code_digest,
    codes_issue,
    codes_void_unused,
)
from dangjian.core.grades import GRADE_ORDER
from dangjian.org.models import Role
from dangjian.testing import build_county
from dangjian.testing_files import read_elsewhere

ISSUED, CAST = 320, 200
SEED = 20261201
RHO_BOUND = 0.35  # |Spearman| over 320 codes for an unrelated order: sd ≈ 0.056
RECEIPT = re.compile(r'data-testid="receipt">([A-Z2-9]{10})<')
PG = "postgresql"


def _spearman(xs: list[int], ys: list[int]) -> float:
    """Rank correlation of two sequences of distinct values, paired by position."""
    rx = {v: i for i, v in enumerate(sorted(xs))}
    ry = {v: i for i, v in enumerate(sorted(ys))}
    n = len(xs)
    d2 = sum((rx[x] - ry[y]) ** 2 for x, y in zip(xs, ys, strict=True))
    return 1 - 6 * d2 / (n * (n * n - 1))


def _rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        return list(cur.fetchall())


def _code_rows(box: Box) -> list[tuple[Any, ...]]:
    """(id, physical position, digest, xmin, xmax) of the box's code rows, in physical order."""
    if connection.vendor == PG:
        return _rows("SELECT id, ctid::text, digest, xmin::text, xmax::text FROM ballots_code "
                     "WHERE box_id = %s ORDER BY ctid", [box.pk])
    return [(pk, pk, digest, None, None) for pk, digest in
            _rows("SELECT rowid, digest FROM ballots_code WHERE box_id = %s ORDER BY rowid",
                  [box.pk])]


def _ballot_rows(box: Box) -> list[tuple[Any, ...]]:
    """(id, receipt, xmin) of the box's ballots, in physical order."""
    if connection.vendor == PG:
        return _rows("SELECT id, receipt, xmin::text FROM ballots_ballot WHERE box_id = %s "
                     "ORDER BY ctid", [box.pk])
    return _rows("SELECT rowid, receipt, NULL FROM ballots_ballot WHERE box_id = %s "
                 "ORDER BY rowid", [box.pk])


def _code_sequence() -> list[tuple[Any, ...]]:
    if connection.vendor == PG:
        return _rows("SELECT last_value FROM ballots_code_id_seq")
    return _rows("SELECT seq FROM sqlite_sequence WHERE name = 'ballots_code'")


def _everything_else() -> dict[str, list[str]]:
    """Every row of every table but the ballots' and the codes': what a cast must not touch."""
    out = {}
    for table in connection.introspection.table_names():
        if table not in {"ballots_ballot", "ballots_code"}:
            name = connection.ops.quote_name(table)
            out[table] = sorted(map(repr, _rows(f"SELECT * FROM {name}")))
    return out


def _file_bytes() -> bytes:
    """The SQLite database as it lies on disk, after the write-ahead log is checkpointed."""
    _rows("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(connection.settings_dict["NAME"])
    return read_elsewhere(path, path.with_name(path.name + "-wal"))


def _cast(box: Box, rater: Client, code: str, grades: dict[str, str]) -> str:
    url = f"/b/{box.token}/"
    assert rater.get(url).status_code == 200
    page = rater.post(url, {"code": code, **{f"c_{k}": v for k, v in grades.items()}})
    assert page.status_code == 200, page.content.decode()
    found = RECEIPT.search(page.content.decode())
    assert found
    return found.group(1)


@pytest.mark.req("R2.7")
@pytest.mark.django_db(transaction=True)
def test_no_ballot_can_be_linked_to_its_slip():
    county = build_county()
    box = box_create(actor=None, title="匿名性测试", purpose="test", owner_body=county.root,
                     candidates=[("甲", "", ""), ("乙", "", ""), ("丙", "", "")],
                     check_scope=False)
    printed = codes_issue(actor=None, box=box, count=ISSUED, check_scope=False)  # sheet order
    box.refresh_from_db()
    slip_of = {code_digest(box.pk, c): i for i, c in enumerate(printed)}  # the key, given
    box_open(actor=None, box=box, check_scope=False)

    # Route: code ids and physical order against the printed sheet, before any ballot.
    rows = _code_rows(box)
    assert len(rows) == ISSUED
    by_id = sorted(rows)
    rho_id = _spearman([r[0] for r in by_id], [slip_of[r[2]] for r in by_id])
    rho_place = _spearman(list(range(ISSUED)), [slip_of[r[2]] for r in rows])
    assert abs(rho_id) < RHO_BOUND and abs(rho_place) < RHO_BOUND, (rho_id, rho_place)
    if connection.vendor != PG:  # the scan can see a digest that is there
        issued_file = _file_bytes()
        assert all(d.encode() in issued_file for d in slip_of)
    code_seq = _code_sequence()

    # Raters cast in a random order, with varied grades; a third of them are signed in.
    rng = random.Random(SEED)
    order = rng.sample(range(ISSUED), CAST)
    candidates = [str(c.pk) for c in box.candidates.all()]
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(county.user(Role.MEMBER))
    untouched = _everything_else()  # the sign-in wrote its session row before the casting
    truth: dict[str, int] = {}  # receipt -> slip
    for n, slip in enumerate(order):
        grades = {c: rng.choice(GRADE_ORDER) for c in candidates}
        rater = signed_in if n % 3 == 0 else anonymous
        truth[_cast(box, rater, printed[slip], grades)] = slip
    used = set(order)

    # Nothing but the ballots and the codes changed: no session, log or any other row.
    assert _everything_else() == untouched
    assert _code_sequence() == code_seq  # route: sequence values — no code row was written

    codes, ballots = _code_rows(box), _ballot_rows(box)
    assert len(ballots) == CAST and len(codes) == ISSUED - CAST
    # Route: the rows left are exactly the unused slips — no used code has a row.
    assert {slip_of[r[2]] for r in codes} == set(range(ISSUED)) - used

    # Route: transaction ids. No code row and no other row shares a ballot's xmin, or was
    # written between the first ballot and the last.
    if connection.vendor == PG:
        xids = {r[2] for r in ballots}
        assert len(xids) == CAST  # one transaction per ballot…
        assert not {x for r in codes for x in r[3:5]} & xids  # …which no code row carries
        joined = _rows("SELECT count(*) FROM ballots_ballot b JOIN ballots_code c "
                       "ON b.xmin = c.xmin OR b.xmin = c.xmax")
        assert joined == [(0,)]
        low, high = min(map(int, xids)), max(map(int, xids))
        for table in connection.introspection.table_names():
            if table != "ballots_ballot":
                beside = _rows(f"SELECT count(*) FROM {connection.ops.quote_name(table)} "
                               f"WHERE xmin::text::bigint BETWEEN %s AND %s", [low, high])
                assert beside == [(0,)], table

    # Route: order. Pair the ballots, by id and by place, with the used slips in printed order
    # and with the missing code ids (as if ids followed the sheet): links no better than chance.
    used_in_print_order = sorted(used)
    slips_by_ballot_order = [truth[r[1]] for r in ballots]
    hits = sum(a == b for a, b in zip(slips_by_ballot_order, used_in_print_order, strict=True))
    print(f"\n{connection.vendor}: ballots paired with the sheet by order: {hits} of {CAST}")
    assert hits <= 8  # a random pairing of 200 has ~1 fixed point; 9+ is a 1e-6 event
    left_ids = {r[0] for r in codes}
    first = min(r[0] for r in by_id)
    missing = [i for i in range(first, first + ISSUED) if i not in left_ids]
    assert len(missing) == CAST
    guessed = {n: missing_id - first for n, missing_id in enumerate(missing)}
    hits = sum(guessed[n] == slip for n, slip in enumerate(slips_by_ballot_order))
    print(f"{connection.vendor}: ballots paired with the missing code ids: {hits} of {CAST}")
    assert hits <= 8
    # The codes left, whose slips the attacker knows, show their ids do not follow the sheet.
    left = sorted(codes)
    rho_left = _spearman([r[0] for r in left], [slip_of[r[2]] for r in left])
    assert abs(rho_left) < RHO_BOUND, rho_left

    # Route: timestamps. A ballot row has no column but its box, receipt and grades.
    ballot_columns = {c.name for c in connection.introspection.get_table_description(
        connection.cursor(), "ballots_ballot")}
    assert ballot_columns == {"id", "box_id", "receipt", "marks"}
    code_columns = {c.name for c in connection.introspection.get_table_description(
        connection.cursor(), "ballots_code")}
    assert code_columns == {"id", "box_id", "digest", "void"}

    # Route (SQLite): the file's bytes hold no used code's digest; the unused ones are there.
    if connection.vendor != PG:
        on_disk = _file_bytes()
        assert not [d for d, slip in slip_of.items() if slip in used and d.encode() in on_disk]
        assert all(d.encode() in on_disk for d, slip in slip_of.items() if slip not in used)

    a = audit(box)
    assert (a.issued, a.used, a.ballots, a.counted) == (ISSUED, CAST, CAST, CAST)
    assert a.consistent

    # Closed, the ballots are written anew in a random order: their ids and places no longer
    # follow the order of casting, and (PostgreSQL) they share one transaction id.
    codes_void_unused(actor=county.user(Role.WORK_COMMITTEE_ADMIN), box=box)
    box_close(actor=None, box=box, check_scope=False)
    after = _ballot_rows(box)
    cast_rank = {receipt: n for n, receipt in enumerate(truth)}
    rho_cast = _spearman([r[0] for r in after], [cast_rank[r[1]] for r in after])
    assert sorted(r[1] for r in after) == sorted(truth) and abs(rho_cast) < RHO_BOUND, rho_cast
    if connection.vendor == PG:
        assert len({r[2] for r in after}) == 1
    a = audit(box)
    assert (a.issued, a.used, a.void, a.ballots) == (ISSUED, CAST, ISSUED - CAST, CAST)
    assert a.consistent
    print(f"\n{connection.vendor}: rho(code id, sheet) {rho_id:+.3f}, rho(code place, sheet) "
          f"{rho_place:+.3f}, rho(codes left) {rho_left:+.3f}, rho(ballot id after close, "
          f"cast order) {rho_cast:+.3f}; audit {a}")


def _post(url: str, data: dict[str, str]) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.req("R2.7")
def test_the_audit_line_holds_after_a_code_is_sent_twice_at_once(live_server, transactional_db):
    """Two phones send each code at the same moment (real HTTP, a threaded server): one sheet
    counts, the other is refused in Chinese, and issued ≥ used = ballots still holds."""
    county = build_county()
    box = box_create(actor=None, title="并发核验", purpose="test", owner_body=county.root,
                     candidates=[("甲", "", "")], check_scope=False)
    codes = codes_issue(actor=None, box=box, count=8, check_scope=False)
    box_open(actor=None, box=box, check_scope=False)
    url = f"{live_server.url}/b/{box.token}/"
    field = f"c_{box.candidates.get().pk}"
    for code in codes[:6]:
        barrier, results = threading.Barrier(2), []

        def phone(code=code, barrier=barrier, results=results):
            barrier.wait()
            results.append(_post(url, {"code": code, field: "good"}))

        threads = [threading.Thread(target=phone) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(status for status, _ in results) == [200, 409]
        assert any("票码无效或已提交" in text for status, text in results if status == 409)
    a = audit(box)
    assert (a.issued, a.used, a.ballots, a.counted) == (8, 6, 6, 6) and a.consistent
    assert Code.objects.filter(box=box).count() == 2 and Ballot.objects.filter(box=box).count() == 6
