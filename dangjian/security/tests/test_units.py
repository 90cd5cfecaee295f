"""The security app's parts on their own: counters, pruning of counters, record(), checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.checks import run_checks
from django.test import RequestFactory
from django.utils import timezone

from dangjian.security import throttle
from dangjian.security.events import record
from dangjian.security.models import CounterScope, Kind, LoginCounter, Outcome


@pytest.mark.django_db
def test_address_window_restarts_after_it_passes(settings):
    settings.LOGIN_ADDRESS_MAX_FAILURES = 3
    settings.LOGIN_ADDRESS_WINDOW_MINUTES = 15
    start = timezone.now()
    assert throttle.address_failed("192.0.2.1", start) is None
    assert throttle.address_failed("192.0.2.1", start + dt.timedelta(minutes=1)) is None
    # The window has passed: this is the first failure of a new one, not the third.
    assert throttle.address_failed("192.0.2.1", start + dt.timedelta(minutes=20)) is None
    assert throttle.address_failed("192.0.2.1", start + dt.timedelta(minutes=21)) is None
    until = throttle.address_failed("192.0.2.1", start + dt.timedelta(minutes=22))
    assert until is not None
    assert throttle.blocked_until(CounterScope.ADDRESS, "192.0.2.1", until) is None
    assert throttle.blocked_until(CounterScope.ADDRESS, "192.0.2.1",
                                  until - dt.timedelta(seconds=1)) == until


@pytest.mark.django_db
def test_counters_prune_keeps_blocks_and_names(settings):
    now = timezone.now()
    old = now - dt.timedelta(hours=2)
    LoginCounter.objects.create(scope=CounterScope.ADDRESS, key="192.0.2.1", failures=2,
                                first_at=old)
    LoginCounter.objects.create(scope=CounterScope.ADDRESS, key="192.0.2.2", first_at=old,
                                blocked_until=now + dt.timedelta(minutes=5))
    LoginCounter.objects.create(scope=CounterScope.USERNAME, key="ghost", failures=4,
                                first_at=old)
    assert throttle.counters_prune(now) == 1
    assert set(LoginCounter.objects.values_list("key", flat=True)) == {"192.0.2.2", "ghost"}


@pytest.mark.django_db
def test_record_outside_a_request_and_with_an_odd_address():
    event = record(Kind.ACCOUNT_CHANGE, username="x" * 300, detail="说明")
    assert (event.address, event.path, len(event.username)) == (None, "", 150)
    request = RequestFactory().get("/somewhere/?code=SECRET", REMOTE_ADDR="unix:socket")
    event = record(Kind.PERMISSION_DENIED, outcome=Outcome.DENIED, request=request)
    assert (event.address, event.path) == (None, "/somewhere/")


def test_a_bad_trusted_proxy_fails_the_check(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1", "not-an-address"]
    assert "dangjian.E102" in {m.id for m in run_checks()}
    settings.TRUSTED_PROXIES = ["10.0.0.1", "10.1.0.0/16", "::1"]
    assert "dangjian.E102" not in {m.id for m in run_checks()}


@pytest.mark.django_db
def test_a_typed_newline_cannot_forge_a_log_line(caplog):
    import logging

    caplog.set_level(logging.INFO, logger="dangjian.security")
    record(Kind.LOGIN, outcome=Outcome.FAILURE,
           username="x\nsecurity kind=login outcome=success user=t_wc_admin")
    lines = [r.getMessage() for r in caplog.records if r.name == "dangjian.security"]
    assert len(lines) == 1 and "\n" not in lines[0] and "x\\x0asecurity" in lines[0]
