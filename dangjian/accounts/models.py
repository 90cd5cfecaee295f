from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models

from dangjian.core.append_only import AppendOnlyModel
from dangjian.core.text import PlainText


class User(AbstractUser):
    """An account. It may be linked to the person it belongs to."""

    person = models.OneToOneField(
        "org.Person", verbose_name="对应人员", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="account",
    )
    failed_logins = models.PositiveIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    # Password policy (accounts/passwords.py) and the demo (accounts/otp.py exempts demo
    # accounts in demo mode only; core/checks.py refuses demo passwords in production).
    must_change_password = models.BooleanField(
        "须修改密码", default=False, help_text="由管理员设置或重置密码后，首次登录须先修改")
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    is_demo = models.BooleanField("演示账号", default=False,
                                  help_text="由 dangjian demo-data 创建，使用公开的演示密码")
    password_vetted = models.CharField(
        "已核验的密码摘要", max_length=64, blank=True, editable=False,
        help_text="SHA-256 of the password hash last found not to be a published demo password")

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def trail_scope_path(self) -> str:
        # Accounts are administered county-wide: their trace is for county-wide readers.
        return ""

    def get_full_name(self) -> str:
        return (self.last_name + self.first_name).strip()


class ApiToken(PlainText, models.Model):
    """A user's credential for machine clients of the API: the request is that user exactly.

    Only the SHA-256 digest of the secret is kept (the secret is shown once, on creation);
    a token is revoked, never deleted, so its uses stay attributable."""

    user = models.ForeignKey(User, verbose_name="所属账号", on_delete=models.PROTECT,
                             related_name="api_tokens")
    name = models.CharField("名称", max_length=60)
    prefix = models.CharField("前缀", max_length=16, help_text="令牌开头几位，用于辨认")
    digest = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_on = models.DateField("有效期至", null=True, blank=True,
                                  help_text="含当日；留空为长期有效")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    def trail_scope_path(self) -> str:
        return ""  # as its account: county-wide readers

    def state(self, today: dt.date) -> str:
        """"active", "revoked" or "expired" on that day."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_on is not None and self.expires_on < today:
            return "expired"
        return "active"


class ApiTokenUse(AppendOnlyModel):
    """One request made with a token: appended once per request, never changed."""

    append_only_label = "使用记录"

    token = models.ForeignKey(ApiToken, verbose_name="令牌", on_delete=models.PROTECT,
                              related_name="uses")
    at = models.DateTimeField("时间", auto_now_add=True)
    method = models.CharField("方法", max_length=10)
    path = models.CharField("路径", max_length=300)
    status = models.PositiveSmallIntegerField("状态码")
    client = models.GenericIPAddressField("客户端地址", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌使用记录"
        verbose_name_plural = "API 令牌使用记录"
        indexes = [models.Index(fields=["token", "-at"], name="accounts_tokenuse_recent")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"
