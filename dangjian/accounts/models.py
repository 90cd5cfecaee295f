from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """An account. It may be linked to the person it belongs to."""

    person = models.OneToOneField(
        "org.Person", verbose_name="对应人员", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="account",
    )
    failed_logins = models.PositiveIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

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
