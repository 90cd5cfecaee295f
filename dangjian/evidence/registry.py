"""Records that accept evidence: URL key -> (model label, read permission, write check).

The write check is a permission (checked through the scope gate) or a function of
(user, record) for records whose writers are not simply a scope (e.g. a plan's own owner).
Modules add their records here from their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dangjian.org.scope import Perm

WriteCheck = Perm | Callable[[Any, Any], bool]

ATTACHABLE: dict[str, tuple[str, Perm, WriteCheck]] = {
    "person": ("org.Person", Perm.ORG_VIEW, Perm.ORG_EDIT),
    "body": ("org.Body", Perm.ORG_VIEW, Perm.ORG_EDIT),
}


def attachable(key: str, label: str, read: Perm, write: WriteCheck) -> None:
    ATTACHABLE[key] = (label, read, write)
