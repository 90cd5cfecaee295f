"""Session authentication (the browser's login) with ninja's CSRF check, and a permission gate.

django-ninja 1.x has no NinjaAPI(csrf=...): CSRF is enforced by cookie-based auth itself
(`APIKeyCookie.csrf`, on by default for SessionAuth), which runs Django's CsrfViewMiddleware
checks for unsafe methods. So every write needs the `X-CSRFToken` header (or form field).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth

from dangjian.org.scope import Perm, require_perm


class PermSessionAuth(SessionAuth):
    """Logged in (else 401) and holding `perm` somewhere (else 403), checked before the body
    is even parsed: a user who may never do this is refused whatever they send."""

    def __init__(self, perm: Perm) -> None:
        super().__init__(csrf=True)
        self.perm = perm

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            require_perm(user, self.perm)  # PermissionDenied -> 403
        return user


session = SessionAuth(csrf=True)
can_edit = PermSessionAuth(Perm.ORG_EDIT)
can_structure = PermSessionAuth(Perm.ORG_STRUCTURE)
