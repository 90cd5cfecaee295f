"""One 纪实 form sent twice at the same moment (a double click, two tabs): one record.

Real HTTP against the live server (a threaded WSGI server), on whichever database the suite
runs on: the two requests meet at the token's unique index."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.responsibility.models import DutyRecord
from dangjian.trail.models import TrailEntry

pytestmark = pytest.mark.real_clock


def _post(url: str, data: dict[str, str], cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(),
                                     headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.geturl()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()[:300]


@pytest.mark.req("R3.3")
def test_two_simultaneous_submissions_of_one_form_store_one_record(
        live_server, transactional_db, county, item):
    client = Client()
    client.force_login(county.user("org_secretary"))
    page = client.get(reverse("responsibility:item_detail", args=[item.pk])).content.decode()
    form = re.search(r'id="record-form".*?</form>', page, re.S)
    assert form is not None
    token = re.search(r'name="form_once" value="([^"]+)"', form.group(0))
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0))
    assert token and csrf
    cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    data = {"csrfmiddlewaretoken": csrf.group(1), "form_once": token.group(1),
            "summary": "主题党日", "occurred_on": f"{timezone.localdate()}", "progress": "30"}
    url = live_server.url + reverse("responsibility:record_add", args=[item.pk])
    entries = TrailEntry.objects.count()
    barrier, results = threading.Barrier(2), []

    def tab() -> None:
        barrier.wait()
        results.append(_post(url, data, cookie))

    threads = [threading.Thread(target=tab) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    record = DutyRecord.objects.get()  # exactly one
    detail = reverse("responsibility:record_detail", args=[record.pk])
    assert sorted(results) == [(200, live_server.url + detail)] * 2, results
    assert TrailEntry.objects.count() == entries + 1  # one record's entry on the chain
