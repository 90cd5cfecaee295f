"""Reads from a PostgreSQL streaming replica, where one is configured (DATABASE_REPLICA_URL).

Only the pages that list, export or summarise (settings.REPLICA_READ_VIEWS) read there, and
only their own queries: the session and the user are still read from the primary, as is every
write. Three things keep such a page on the primary instead:

- **the reader's own writes**: any request that may write (POST and the like) pins its browser
  to the primary for REPLICA_PIN_SECONDS (a cookie), so a list shown right after a save shows it;
- **a replica that lags** more than REPLICA_MAX_LAG_SECONDS behind, or that cannot be reached:
  its state is checked at most every REPLICA_CHECK_SECONDS per process, and while it is down
  every read goes to the primary (a query that fails on it mid-page is run again there);
- **no replica configured**: the router is not installed and nothing changes.

/healthz shows the replica's state and lag (`replica_status`).
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

ALIAS = "replica"
PIN_COOKIE = "dj_primary"
READ_HEADER = "X-Read-From"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reading", default=False)


class ReplicaRouter:
    """Reads go to the replica while a replica-reading view runs; everything else to default."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return ALIAS if _reading.get() else None

    def db_for_write(self, model: type, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same rows on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != ALIAS


@dataclass
class ReplicaState:
    ok: bool
    lag_seconds: float | None = None
    lag_bytes: int | None = None
    error: str = ""
    checked: float = 0.0

    def as_json(self) -> dict[str, Any]:
        if not self.ok:
            return {"status": "down", "error": self.error}
        return {"status": "ok", "lag_seconds": self.lag_seconds, "lag_bytes": self.lag_bytes}


_lock = threading.Lock()
_state: ReplicaState | None = None


def configured() -> bool:
    return ALIAS in settings.DATABASES


def _measure() -> ReplicaState:
    """The replica's lag: WAL bytes received but not yet replayed, and how old the last replayed
    transaction is (0 when nothing waits: an idle primary is not lag)."""
    try:
        with connections[ALIAS].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END")
            recovering, replayed, seconds = cursor.fetchone()
        with connections["default"].cursor() as cursor:  # how far the primary has written since
            cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [replayed])
            (behind,) = cursor.fetchone()
    except DatabaseError as exc:
        connections[ALIAS].close()
        return ReplicaState(ok=False, error=str(exc).strip().splitlines()[0][:200] if str(exc)
                            else type(exc).__name__)
    if not recovering:
        return ReplicaState(ok=False, error="不是只读副本（未处于恢复状态）")
    return ReplicaState(ok=True, lag_seconds=round(float(seconds or 0), 3),
                        lag_bytes=max(int(behind or 0), 0))


def replica_status(*, fresh: bool = False) -> ReplicaState | None:
    """The replica's last known state (measured again when older than the check interval)."""
    global _state
    if not configured():
        return None
    now = time.monotonic()
    with _lock:
        state = _state
        if fresh or state is None or now - state.checked >= settings.REPLICA_CHECK_SECONDS:
            state = _measure()
            state.checked = now
            _state = state
    return state


def _usable() -> bool:
    state = replica_status()
    return bool(state and state.ok and (state.lag_seconds or 0) <= settings.REPLICA_MAX_LAG_SECONDS)


def _mark_down(exc: Exception) -> None:
    global _state
    connections[ALIAS].close()
    with _lock:
        _state = ReplicaState(ok=False, error=str(exc).strip()[:200], checked=time.monotonic())


class ReplicaMiddleware:
    """Last in MIDDLEWARE: runs a replica-reading view with its reads on the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.views = frozenset(settings.REPLICA_READ_VIEWS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:  # this browser reads its own writes for a while
            response.set_cookie(PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS,
                                httponly=True, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE)
        return response

    def process_view(self, request: HttpRequest, view: Callable[..., HttpResponse],
                     args: tuple[Any, ...], kwargs: dict[str, Any]) -> HttpResponse | None:
        match = request.resolver_match
        if (request.method not in SAFE_METHODS or PIN_COOKIE in request.COOKIES
                or match is None or match.view_name not in self.views or not _usable()):
            return None
        token = _reading.set(True)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response = response.render()  # a lazy template's queries run here too
            response[READ_HEADER] = ALIAS  # for operators and tests: where this page was read
            return response
        except (OperationalError, InterfaceError) as exc:  # the replica's: gone, or cancelled
            if _broken(connections[ALIAS]):              # a query in conflict with its replay
                _mark_down(exc)
        finally:
            _reading.reset(token)
        return None  # Django runs the view again, on the primary (a safe method reads only)


def _broken(conn: Any) -> bool:
    raw = conn.connection
    return raw is None or bool(getattr(raw, "closed", False) or getattr(raw, "broken", False))
