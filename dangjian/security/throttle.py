"""Login failure counters kept in the database (every worker process sees the same count).

- per source address: LOGIN_ADDRESS_MAX_FAILURES failures within LOGIN_ADDRESS_WINDOW_MINUTES
  refuse every login from that address for LOGIN_ADDRESS_BLOCK_MINUTES, a correct password
  included; a success does not reset the count (an attacker's own account would reset it);
- per username naming no account: counted and locked exactly like an account
  (LOGIN_MAX_FAILURES, LOGIN_LOCKOUT_MINUTES), so a lock tells nothing about existence.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from dangjian.security.events import record
from dangjian.security.models import CounterScope, Kind, LoginCounter, Outcome


def address_message(until: dt.datetime) -> str:
    until = timezone.localtime(until)
    return f"登录失败次数过多，本机所在地址已暂停登录，请于{until:%H:%M}后再试或联系管理员"


def blocked_until(scope: CounterScope, key: str | None,
                  now: dt.datetime | None = None) -> dt.datetime | None:
    if not key:
        return None
    now = now or timezone.now()
    row = LoginCounter.objects.filter(scope=scope, key=key[:150],
                                      blocked_until__gt=now).first()
    return row.blocked_until if row else None


def _counter(scope: CounterScope, key: str, now: dt.datetime) -> LoginCounter:
    """The row, locked for this transaction (created if missing; a concurrent create wins)."""
    for _ in range(2):
        row = LoginCounter.objects.select_for_update().filter(scope=scope, key=key).first()
        if row is not None:
            return row
        try:
            with transaction.atomic():
                LoginCounter.objects.create(scope=scope, key=key, first_at=now)
        except IntegrityError:
            continue
    return LoginCounter.objects.select_for_update().get(scope=scope, key=key)


@transaction.atomic
def failure_count(scope: CounterScope, key: str, *, limit: int, window: dt.timedelta | None,
                  block: dt.timedelta, now: dt.datetime | None = None) -> dt.datetime | None:
    """Count one failure; return the end of the block it starts, if it starts one."""
    now = now or timezone.now()
    row = _counter(scope, key[:150], now)
    if row.blocked_until is not None and row.blocked_until <= now:
        row.blocked_until, row.failures, row.first_at = None, 0, now
    if window is not None and now - row.first_at > window:
        row.failures, row.first_at = 0, now
    if row.failures == 0:
        row.first_at = now
    row.failures += 1
    started = None
    if row.failures >= limit:
        row.blocked_until, row.failures = now + block, 0
        started = row.blocked_until
    row.save(update_fields=["failures", "first_at", "blocked_until"])
    return started


def address_failed(address: str | None, now: dt.datetime | None = None) -> dt.datetime | None:
    if not address:
        return None
    return failure_count(
        CounterScope.ADDRESS, address, limit=settings.LOGIN_ADDRESS_MAX_FAILURES,
        window=dt.timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES),
        block=dt.timedelta(minutes=settings.LOGIN_ADDRESS_BLOCK_MINUTES), now=now)


def address_refused(address: str | None, request: HttpRequest | None,
                    now: dt.datetime | None = None) -> None:
    """Count a refused login against its address; log the block it starts, if any."""
    if address_failed(address, now) is not None:
        record(Kind.ADDRESS_BLOCK, outcome=Outcome.DENIED, subject=address or "",
               request=request, detail=f"{settings.LOGIN_ADDRESS_WINDOW_MINUTES}分钟内登录失败"
               f"{settings.LOGIN_ADDRESS_MAX_FAILURES}次，限制登录"
               f"{settings.LOGIN_ADDRESS_BLOCK_MINUTES}分钟")


def unknown_name_failed(username: str, now: dt.datetime | None = None) -> dt.datetime | None:
    return failure_count(
        CounterScope.USERNAME, username, limit=settings.LOGIN_MAX_FAILURES, window=None,
        block=dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES), now=now)


def blocked_addresses(now: dt.datetime | None = None) -> list[LoginCounter]:
    now = now or timezone.now()
    return list(LoginCounter.objects.filter(scope=CounterScope.ADDRESS, blocked_until__gt=now)
                .order_by("-blocked_until"))


def counters_prune(now: dt.datetime | None = None) -> int:
    """Drop address counters that block nothing and whose window has passed; a name's
    counter is kept as long as the log (an account's count does not lapse either)."""
    now = now or timezone.now()
    idle = Q(blocked_until__isnull=True) | Q(blocked_until__lte=now)
    window = dt.timedelta(minutes=settings.LOGIN_ADDRESS_WINDOW_MINUTES)
    retention = dt.timedelta(days=settings.SECURITY_LOG_RETENTION_DAYS)
    deleted, _ = LoginCounter.objects.filter(idle).filter(
        Q(scope=CounterScope.ADDRESS, first_at__lt=now - window)
        | Q(scope=CounterScope.USERNAME, first_at__lt=now - retention)).delete()
    return deleted
