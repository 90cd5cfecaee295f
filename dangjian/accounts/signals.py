"""Account security events, for the security log to record (it connects to these). Each is
sent after the change is committed; none carries a password, code or secret.

Every signal's sender is the User class; arguments:
- password_changed: user, request — the user changed their own password
- password_reset: user, actor, request — an administrator set a new one (must change it)
- otp_enrolled: user, request — a TOTP device was confirmed and recovery codes issued
- otp_verified: user, request, method ("totp" | "recovery") — the second factor passed
- otp_failed: user, request, method, throttled (bool) — a wrong or too-early code
- recovery_code_used: user, request, remaining (int)
- recovery_codes_issued: user, request — a new set replaced the old one
- otp_reset: user, actor, request — an administrator removed the user's devices
"""

from django.dispatch import Signal

password_changed = Signal()
password_reset = Signal()
otp_enrolled = Signal()
otp_verified = Signal()
otp_failed = Signal()
recovery_code_used = Signal()
recovery_codes_issued = Signal()
otp_reset = Signal()
