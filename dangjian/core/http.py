"""Request typing: every view behind LoginRequiredMiddleware sees a logged-in User."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from dangjian.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User  # narrowed: the middleware guarantees a login
