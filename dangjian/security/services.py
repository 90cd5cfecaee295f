"""The audit administrator (安全审计员), address unlocks and the log's retention.

Separation of duties (等保: 系统管理员、安全管理员、审计管理员分立): the audit administrator
role is granted and revoked only here, from a command run on the server; an account holding
it holds no other role, and role_grant/role_revoke (the 工委 administrator's pages) refuse it.
"""

from __future__ import annotations

import datetime as dt
import getpass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.org.models import Body, Role, RoleAssignment
from dangjian.security.checks import MIN_RETENTION_DAYS
from dangjian.security.events import record
from dangjian.security.models import CounterScope, Kind, LoginCounter, Outcome, SecurityEvent
from dangjian.security.throttle import counters_prune


def server_actor() -> str:
    try:
        return f"服务器命令（{getpass.getuser()}）"
    except (KeyError, OSError):
        return "服务器命令"


def _root() -> Body:
    root = Body.objects.filter(parent__isnull=True, valid_to__isnull=True).order_by("pk").first()
    if root is None:
        raise ValidationError("尚无组织机构：请先建立县级党委")
    return root


@transaction.atomic
def auditor_create(*, username: str, password: str, full_name: str,
                   operator: str = "", demo: bool = False) -> User:
    """A new account holding the audit administrator role only (and never another). `demo`:
    the demo's account, with the published password (marked as such: production refuses it)."""
    from dangjian.accounts.services import demo_user_create, user_create

    user = (demo_user_create(username=username, password=password, full_name=full_name)
            if demo else user_create(actor=None, username=username, password=password,
                                     full_name=full_name, check_scope=False))
    RoleAssignment.objects.create(user=user, role=Role.AUDIT_ADMIN, body=_root(),
                                  recursive=True, valid_from=timezone.localdate())
    record(Kind.AUDITOR_CHANGE, username=operator or server_actor(), subject=user.username,
           detail="新建安全审计员账号并授予安全审计员角色")
    return user


@transaction.atomic
def auditor_revoke(*, username: str, operator: str = "") -> RoleAssignment:
    assignment = (RoleAssignment.objects.select_for_update()
                  .filter(user__username=username, role=Role.AUDIT_ADMIN, valid_to__isnull=True)
                  .first())
    if assignment is None:
        raise ValidationError(f"“{username}”不是现任安全审计员")
    assignment.valid_to = max(timezone.localdate(), assignment.valid_from)
    assignment.save(update_fields=["valid_to"])
    record(Kind.AUDITOR_CHANGE, username=operator or server_actor(), subject=username,
           detail="撤销安全审计员角色")
    return assignment


@transaction.atomic
def address_unlock(*, actor: User, address: str) -> int:
    """Lift the login block on an address (the 工委 administrator's page)."""
    changed = LoginCounter.objects.filter(scope=CounterScope.ADDRESS, key=address).update(
        failures=0, blocked_until=None)
    if changed:
        record(Kind.UNLOCK, user=actor, subject=address, detail="解除来源地址的登录限制")
    return changed


def retention_days(days: int | None = None) -> int:
    days = settings.SECURITY_LOG_RETENTION_DAYS if days is None else days
    if days < MIN_RETENTION_DAYS:
        raise ValidationError(f"安全日志至少保存{MIN_RETENTION_DAYS}天，不能设为{days}天")
    return days


def log_prune(*, days: int | None = None, now: dt.datetime | None = None,
              operator: str = "") -> int:
    """Delete entries older than the retention — the log's only deletion. Plain SQL, as the
    model and its queryset refuse deletes; on PostgreSQL a trigger refuses any other."""
    days = retention_days(days)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SecurityEvent._meta.db_table} WHERE at < %s",
                           [cutoff])
            deleted = cursor.rowcount
        counters_prune(now)
        record(Kind.LOG_PRUNE, outcome=Outcome.SUCCESS, username=operator or server_actor(),
               detail=f"删除{days}天前（{timezone.localtime(cutoff):%Y-%m-%d %H:%M}之前）的"
                      f"安全日志{deleted}条")
    return deleted
