"""Who did something: services take an `actor` that may be a logged-in user or None/anonymous
(demo builds, imports, the system itself). Records keep the user (or None) and a display name."""

from __future__ import annotations

from typing import Any


def acting_user(actor: Any) -> Any:
    """The user to store as the actor, or None when the system acted."""
    return actor if getattr(actor, "is_authenticated", False) else None


def actor_label(actor: Any) -> str:
    user = acting_user(actor)
    return str(user.get_full_name() or user.get_username()) if user is not None else "系统"
