"""The accounts' own security events (dangjian.accounts.signals) as security-log rows: password
changes and resets, the second factor's enrolment, passes, failures, recovery codes and resets.
Each signal is sent after its change commits; none carries a secret, and none is logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dangjian.accounts import signals
from dangjian.security.events import record
from dangjian.security.models import Kind, Outcome

_METHOD = {"totp": "动态口令", "recovery": "恢复码"}


def _password_changed(sender: Any, user: Any, request: Any = None, **kw: Any) -> None:
    record(Kind.PASSWORD_CHANGE, user=user, request=request, detail="本人修改密码")


def _password_reset(sender: Any, user: Any, actor: Any, request: Any = None, **kw: Any) -> None:
    record(Kind.PASSWORD_CHANGE, user=actor, subject=user.username, request=request,
           detail="管理员重置密码（须在下次登录时修改）")


def _otp_enrolled(sender: Any, user: Any, request: Any = None, **kw: Any) -> None:
    record(Kind.SECOND_FACTOR, user=user, request=request, detail="启用动态口令，发放恢复码")


def _otp_verified(sender: Any, user: Any, request: Any = None, method: str = "totp",
                  **kw: Any) -> None:
    record(Kind.SECOND_FACTOR, user=user, request=request,
           detail=f"二次验证通过（{_METHOD.get(method, method)}）")


def _otp_failed(sender: Any, user: Any, request: Any = None, method: str = "totp",
                throttled: bool = False, **kw: Any) -> None:
    record(Kind.SECOND_FACTOR, outcome=Outcome.DENIED if throttled else Outcome.FAILURE,
           user=user, request=request,
           detail=("尝试过于频繁，已拒绝" if throttled
                   else f"二次验证失败（{_METHOD.get(method, method)}错误或已用过）"))


def _recovery_code_used(sender: Any, user: Any, request: Any = None, remaining: int = 0,
                        **kw: Any) -> None:
    record(Kind.SECOND_FACTOR, user=user, request=request,
           detail=f"使用恢复码，剩余{remaining}个")


def _recovery_codes_issued(sender: Any, user: Any, request: Any = None, **kw: Any) -> None:
    record(Kind.SECOND_FACTOR, user=user, request=request, detail="重新生成恢复码")


def _otp_reset(sender: Any, user: Any, actor: Any, request: Any = None, **kw: Any) -> None:
    record(Kind.SECOND_FACTOR, user=actor, subject=user.username, request=request,
           detail="管理员重置双因素认证")


def connect() -> None:
    pairs: list[tuple[Any, Callable[..., None]]] = [
        (signals.password_changed, _password_changed),
        (signals.password_reset, _password_reset),
        (signals.otp_enrolled, _otp_enrolled),
        (signals.otp_verified, _otp_verified),
        (signals.otp_failed, _otp_failed),
        (signals.recovery_code_used, _recovery_code_used),
        (signals.recovery_codes_issued, _recovery_codes_issued),
        (signals.otp_reset, _otp_reset),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"dangjian_security_{receiver.__name__}")
