"""The security log is kept at least 180 days (等保 2.0: 审计记录保存不少于六个月)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from dangjian.core.proxy import parse_networks

MIN_RETENTION_DAYS = 180


@register(Tags.security)
def security_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    days = settings.SECURITY_LOG_RETENTION_DAYS
    if days < MIN_RETENTION_DAYS:
        errors.append(Error(
            f"SECURITY_LOG_RETENTION_DAYS={days}：安全日志至少保存{MIN_RETENTION_DAYS}天",
            hint=f"设为{MIN_RETENTION_DAYS}或更大，或不设（默认{MIN_RETENTION_DAYS}）",
            id="dangjian.E101"))
    try:
        parse_networks(settings.TRUSTED_PROXIES)
    except ValueError as exc:
        errors.append(Error(f"TRUSTED_PROXIES 含无效的地址或网段：{exc}",
                            hint="逗号分隔的IP地址或CIDR网段，如 10.0.0.5,10.1.0.0/16",
                            id="dangjian.E102"))
    return errors
