"""Records that accept evidence: URL key -> (model label, read check, write check).

Each check is a permission (checked through the scope gate) or a function of (user, record)
for records whose readers or writers are not simply a scope (e.g. a plan's own owner, or the
person responsible for a ledger item, who reads the 纪实 they recorded with its photos).
Modules add their records here from their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dangjian.org.scope import Perm

WriteCheck = Perm | Callable[[Any, Any], bool]
ReadCheck = WriteCheck

ATTACHABLE: dict[str, tuple[str, ReadCheck, WriteCheck]] = {
    "person": ("org.Person", Perm.ORG_VIEW, Perm.ORG_EDIT),
    "body": ("org.Body", Perm.ORG_VIEW, Perm.ORG_EDIT),
}


def attachable(key: str, label: str, read: ReadCheck, write: WriteCheck) -> None:
    ATTACHABLE[key] = (label, read, write)
