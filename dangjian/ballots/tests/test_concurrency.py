"""The same code submitted at the same moment from two phones: exactly one counts.

Real HTTP against the live server (a threaded WSGI server), on whichever database the suite
runs on (CI runs it on SQLite and on PostgreSQL)."""

import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection, connections

from dangjian.ballots.models import Ballot, Code
from dangjian.ballots.selectors import audit, receipts
from dangjian.ballots.services import ballot_submit, box_create, box_open, codes_issue
from dangjian.core.grades import Grade
from dangjian.testing import build_county


def _post(url, data):
    body = urllib.parse.urlencode(data).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.req("R2.7")
def test_same_code_from_two_phones_counts_once(live_server, transactional_db):
    county = build_county()
    box = box_create(actor=None, title="并发测试", purpose="test", owner_body=county.root,
                     candidates=[("甲", "", ""), ("乙", "", "")], check_scope=False)
    codes = codes_issue(actor=None, box=box, count=12, check_scope=False)
    box_open(actor=None, box=box, check_scope=False)
    url = f"{live_server.url}/b/{box.token}/"
    grades = {f"c_{c.pk}": Grade.GOOD for c in box.candidates.all()}
    outcomes = []
    for code in codes:
        barrier = threading.Barrier(2)
        results = []

        def phone(code=code, barrier=barrier, results=results):
            barrier.wait()
            results.append(_post(url, {"code": code, **grades}))

        threads = [threading.Thread(target=phone) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        outcomes.append(sorted(status for status, _ in results))
        accepted = [text for status, text in results if status == 200]
        refused = [text for status, text in results if status == 409]
        assert len(accepted) == 1 and "回执码" in accepted[0]
        assert len(refused) == 1 and "已提交" in refused[0]
    assert all(o == [200, 409] for o in outcomes)
    assert Ballot.objects.filter(box=box).count() == len(codes)
    assert not Code.objects.filter(box=box).exists()  # every code used: no row left
    a = audit(box)
    assert (a.issued, a.used, a.ballots, a.counted) == (12, 12, 12, 12) and a.consistent


@pytest.mark.req("R2.7")
def test_a_sheet_written_after_the_database_dropped_the_connection_is_counted(transactional_db):
    """Kept connections are not health-checked per request: a sheet whose connection died
    (here: its server process terminated, as in a database restart) is written on a new one."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server that can drop a connection (PostgreSQL)")
    county = build_county()
    box = box_create(actor=None, title="断线重连", purpose="test", owner_body=county.root,
                     candidates=[("张三", "", "")], check_scope=False)
    first, second = codes_issue(actor=None, box=box, count=2, check_scope=False)
    box_open(actor=None, box=box, check_scope=False)
    grades = {str(box.candidates.get().pk): "good"}
    ballot_submit(box_id=box.pk, code=first, grades=grades)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    receipt = ballot_submit(box_id=box.pk, code=second, grades=grades)
    assert receipt in receipts(box) and Ballot.objects.filter(box=box).count() == 2
