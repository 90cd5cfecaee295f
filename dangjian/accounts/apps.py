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

        from dangjian.accounts.gate import decide_at_login

        user_logged_in.connect(_start_idle_clock, dispatch_uid="dangjian_idle_clock")
        user_logged_in.connect(decide_at_login, dispatch_uid="dangjian_second_factor_due")
        _add_token_entry()


def _add_token_entry() -> None:
    """「API 令牌」 under 工作台: every user's own tokens."""
    from dangjian.core import menu
    from dangjian.org.scope import Perm

    for entry in (menu.Entry("API 令牌", "accounts:token_list", Perm.SELF_VIEW),
                  menu.Entry("账号安全", "accounts:otp_manage", Perm.SELF_VIEW)):
        for i, section in enumerate(menu.MENU):
            if section.label == "工作台" and entry not in section.entries:
                menu.MENU[i] = menu.Section(section.label, (*section.entries, entry))
