"""Who is calling: an API token (`Authorization: Bearer <token>`) or the browser's session.

Both are the API-level default (`auth=[token, session]` in main.py) and both give the same
`request.user`, so every operation's scope gate treats a token's request as its user's own.

- Token: a machine client's credential (created and revoked on the user's 「API 令牌」 page). No
  CSRF check: the header is not sent by a browser on its own, so a forged cross-site request
  cannot carry it. A token that is presented but unknown, revoked or expired is a 401 with a
  Chinese message at once (the session is not tried instead). Each use is traced
  (dangjian.accounts.middleware records it once the response is known).
- Session: django-ninja 1.x has no NinjaAPI(csrf=...): CSRF is enforced by cookie-based auth
  itself (`APIKeyCookie.csrf`, on by default for SessionAuth), which runs Django's
  CsrfViewMiddleware checks for unsafe methods. So every session write needs the `X-CSRFToken`
  header (or form field).

`can_edit` / `can_structure` are both kinds with a permission gate on top, for operations that
only users holding that permission somewhere may call.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from dangjian.accounts.services import TokenRefused, token_authenticate
from dangjian.org.scope import Perm, require_perm

TOKEN_ATTR = "api_token"  # the request attribute the use tracer reads


class TokenAuth(HttpBearer):
    """`Authorization: Bearer djt_…`; with `perm`, its user must hold it somewhere (else 403)."""

    openapi_description = (
        "API 令牌：在“工作台 → API 令牌”页面创建，请求头 Authorization: Bearer <令牌>。"
        "与令牌所属账号的权限范围完全相同；无须 CSRF。"
    )

    def __init__(self, perm: Perm | None = None) -> None:
        super().__init__()
        self.perm = perm

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            api_token = token_authenticate(token)
        except TokenRefused as exc:
            if exc.token is not None:  # a refused use of a real token is traced too
                setattr(request, TOKEN_ATTR, exc.token)
            raise AuthenticationError(message=str(exc)) from exc
        setattr(request, TOKEN_ATTR, api_token)
        request.user = api_token.user
        if self.perm is not None:
            require_perm(api_token.user, self.perm)  # PermissionDenied -> 403
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """The browser's login, with CSRF on writes; with `perm`, the user must hold it somewhere
    (else 403), checked before the body is even parsed: a user who may never do this is
    refused whatever they send."""

    openapi_description = (
        "登录会话（sessionid Cookie，先在页面登录）；写操作须带 X-CSRFToken 请求头"
        "（值取 csrftoken Cookie）。"
    )

    def __init__(self, perm: Perm | None = None) -> None:
        super().__init__(csrf=True)
        self.perm = perm

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and self.perm is not None:
            require_perm(user, self.perm)  # PermissionDenied -> 403
        return user


PermSessionAuth = SessionAuth  # the name operations used before tokens


def perm_auth(perm: Perm) -> list[Any]:
    """An operation's `auth=`: a token or the session, either one's user holding `perm`."""
    return [TokenAuth(perm), SessionAuth(perm)]


token = TokenAuth()
session = SessionAuth()
default_auth: list[Any] = [token, session]
can_edit = perm_auth(Perm.ORG_EDIT)
can_structure = perm_auth(Perm.ORG_STRUCTURE)
