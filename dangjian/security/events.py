"""record(): the one way into the security log.

Every caller names the kind of event and its outcome; who and from where come from the
arguments or, when a service runs inside a request, from that request (SecurityLogMiddleware
keeps it for the duration). The row is written in the caller's transaction: an operation that
rolls back leaves no line claiming it happened. Each row is also one line on the
`dangjian.security` logger, for a log collector.

Nothing secret goes in: callers pass names and Chinese descriptions, never a password, a
one-time code, a token's secret or an ID number; the request's path is kept without its query.
"""

from __future__ import annotations

import contextvars
import logging
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpRequest

from dangjian.security.models import Kind, Outcome, SecurityEvent

logger = logging.getLogger("dangjian.security")

current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "dangjian_security_request", default=None)


def request_address(request: HttpRequest | None) -> str | None:
    """The client's address as the proxy handling left it (dangjian.core.proxy)."""
    value = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return str(value)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _line(value: str) -> str:
    """One line per event: a typed name holding a newline cannot forge a second one."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", value) or "-"


def _account(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) and user.pk else None


def record(
    kind: Kind | str,
    *,
    outcome: Outcome | str = Outcome.SUCCESS,
    user: Any = None,
    username: str = "",
    subject: str = "",
    detail: str = "",
    request: HttpRequest | None = None,
) -> SecurityEvent:
    """Append one event. `user`: the account acting (or, for a login attempt, the account
    named, if it exists); `username`: the name given (defaults to the user's); `subject`: what
    was acted on (an account, an address, a page); `detail`: a short Chinese description."""
    request = request if request is not None else current_request.get()
    if user is None and not username and request is not None:
        # A login attempt names its account (or none): never the session's user instead.
        user = _account(getattr(request, "user", None))
    user = _account(user)
    event = SecurityEvent(
        kind=Kind(kind), outcome=Outcome(outcome), user=user,
        username=(username or (user.username if user else ""))[:150],
        subject=subject[:200], detail=detail[:300], address=request_address(request),
        method=(request.method or "")[:10] if request is not None else "",
        path=request.path[:300] if request is not None else "",
    )
    event.save()
    logger.info("security kind=%s outcome=%s user=%s address=%s subject=%s path=%s",
                event.kind, event.outcome, _line(event.username), event.address or "-",
                _line(event.subject), _line(event.path))
    return event
