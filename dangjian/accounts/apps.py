from typing import Any

from django.apps import AppConfig


def _start_idle_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A new session starts its idle clock at login (see IdleTimeoutMiddleware)."""
    import time

    if request is not None and hasattr(request, "session"):
        request.session["last_seen"] = int(time.time())


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_start_idle_clock, dispatch_uid="dangjian_idle_clock")
