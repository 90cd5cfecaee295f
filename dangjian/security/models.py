"""The security log (append-only) and the login failure counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from dangjian.core.append_only import AppendOnlyModel


class Kind(models.TextChoices):
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出"
    LOCKOUT = "lockout", "账号锁定"
    ADDRESS_BLOCK = "address_block", "地址限制登录"
    UNLOCK = "unlock", "解除锁定"
    PASSWORD_CHANGE = "password_change", "修改密码"
    SECOND_FACTOR = "second_factor", "二次验证"
    ACCOUNT_CHANGE = "account_change", "账号变更"
    ROLE_CHANGE = "role_change", "角色授权变更"
    TOKEN_CHANGE = "token_change", "API 令牌变更"
    PERMISSION_DENIED = "permission_denied", "越权访问被拒绝"
    AUDITOR_CHANGE = "auditor_change", "安全审计员变更"
    LOG_EXPORT = "log_export", "导出安全日志"
    LOG_PRUNE = "log_prune", "清理过期安全日志"


class Outcome(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    DENIED = "denied", "拒绝"


class SecurityEvent(AppendOnlyModel):
    """Who did what, from where, when, with what outcome. Never changed; see record(). The
    only deletion is the retention prune (dangjian.security.services.log_prune), in SQL, for
    entries past the retention."""

    append_only_label = "安全日志"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    kind = models.CharField("事件", max_length=32, choices=Kind.choices)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)
    # The account, if one is known (no constraint: the log outlives any account, and a
    # deletion elsewhere never reaches it) and the name given, e.g. an attempted username.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="账号", null=True,
                             blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                             related_name="+")
    username = models.CharField("用户名", max_length=150, blank=True)
    subject = models.CharField("对象", max_length=200, blank=True)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    method = models.CharField("请求方法", max_length=10, blank=True)
    path = models.CharField("请求路径", max_length=300, blank=True)
    detail = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "安全日志"
        verbose_name_plural = "安全日志"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["username", "-at"], name="security_event_user"),
                   models.Index(fields=["kind", "-at"], name="security_event_kind")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class CounterScope(models.TextChoices):
    ADDRESS = "address", "来源地址"
    USERNAME = "username", "不存在的用户名"


class LoginCounter(models.Model):
    """Failed logins counted in the database, so that every worker process sees the same
    count: per source address (in a window), and per username that names no account (so
    that such a name locks exactly as a real account does, and the answer tells nothing)."""

    scope = models.CharField("类别", max_length=16, choices=CounterScope.choices)
    key = models.CharField("地址或用户名", max_length=150)
    failures = models.PositiveIntegerField("失败次数", default=0)
    first_at = models.DateTimeField("本轮首次失败")
    blocked_until = models.DateTimeField("限制至", null=True, blank=True)

    class Meta:
        verbose_name = "登录失败计数"
        verbose_name_plural = "登录失败计数"
        constraints = [models.UniqueConstraint(fields=["scope", "key"],
                                               name="security_counter_unique")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.key}"
