from typing import Any

from django.apps import AppConfig


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from dangjian.security.events import record

    record("login", user=user, request=request, detail="登录成功")


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from dangjian.security.events import record

    if user is not None:
        record("logout", user=user, request=request, detail="退出登录")


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None,
                  **kwargs: Any) -> None:
    """authenticate() refused: a wrong password, or a name with no (active) account.
    `credentials` has the password masked by Django; only the username is kept."""
    from dangjian.accounts.models import User
    from dangjian.security.events import record

    username = str(credentials.get("username", ""))
    record("login", outcome="failure", user=User.objects.filter(username=username).first(),
           username=username, request=request, detail="用户名或密码不正确")


class SecurityConfig(AppConfig):
    name = "dangjian.security"
    verbose_name = "安全审计"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from dangjian.security import account_events, checks  # noqa: F401  (checks: retention)

        user_logged_in.connect(_logged_in, dispatch_uid="dangjian_security_login")
        user_logged_out.connect(_logged_out, dispatch_uid="dangjian_security_logout")
        user_login_failed.connect(_login_failed, dispatch_uid="dangjian_security_failed")
        account_events.connect()  # password changes and the second factor
        _add_menu_entry()


def _add_menu_entry() -> None:
    """「安全日志」 under 系统, for the audit administrator only."""
    from dangjian.core import menu
    from dangjian.org.scope import Perm

    entry = menu.Entry("安全日志", "security:log", Perm.SECURITY_AUDIT)
    for i, section in enumerate(menu.MENU):
        if section.label == "系统" and entry not in section.entries:
            menu.MENU[i] = menu.Section(section.label, (*section.entries, entry))
