"""System checks run before `dangjian serve`, `migrate`, `worker` and every other command that
checks: the keys (settings.KEYS) must be set, each from its own environment variable."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


def _value(name: str) -> str:
    try:
        return str(getattr(settings, name, ""))
    except ImproperlyConfigured:  # Django's own refusal of an empty SECRET_KEY
        return ""


@register(Tags.security)
def keys_are_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    missing = [name for name in settings.KEYS if not _value(name)]
    if not missing:
        return []
    names = "、".join(missing)
    hint = "；".join(f"{name}：{settings.KEYS[name]}" for name in missing) + (
        "。每台服务器设置相同的值；生成一个：python -c \"import secrets; "
        "print(secrets.token_urlsafe(50))\"。Set the same value on every server.")
    if "BALLOT_CODE_KEY" in missing:
        hint += (" 以前已打印的票码由原 SECRET_KEY 派生：把 BALLOT_CODE_KEY 设为原 SECRET_KEY "
                 "的值，这些票码继续有效。Codes printed before BALLOT_CODE_KEY existed stay "
                 "valid if it is set to the former SECRET_KEY.")
    return [Error(
        f"缺少密钥：未设置环境变量 {names}，系统拒绝启动（仅演示 DANGJIAN_DEMO=1 或开发 "
        f"DEBUG=1 时自动生成）。Missing key(s): set the environment variable(s) "
        f"{', '.join(missing)}.",
        hint=hint, id="dangjian.E001",
    )]


@register(Tags.security, deploy=True)
def not_a_demo(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not settings.DEMO:
        return []
    return [Warning(
        "DANGJIAN_DEMO 已设置：未设置的密钥会生成在 DANGJIAN_HOME 下，只适用于演示。"
        "DANGJIAN_DEMO is set: missing keys are generated under DANGJIAN_HOME (demo only).",
        id="dangjian.W001",
    )]


@register(Tags.security)
def no_demo_passwords(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In production (neither DEBUG nor DANGJIAN_DEMO) refuse to start while any account can
    still log in with a password published in this repository (the demo's, the tests')."""
    if settings.DEBUG or settings.DEMO:
        return []
    from dangjian.accounts.vetting import accounts_with_published_passwords

    found = accounts_with_published_passwords()
    if not found:
        return []
    names = "、".join(found[:20]) + ("等" if len(found) > 20 else "")
    return [Error(
        f"有 {len(found)} 个账号仍使用公开的演示密码（{names}），正式环境拒绝启动。"
        f"{len(found)} account(s) still have a published demo password.",
        hint="逐个修改密码：dangjian changepassword <用户名>；或停用这些账号。"
             "演示环境请设置 DANGJIAN_DEMO=1。",
        id="dangjian.E002",
    )]
