"""The change trace (R0.7): who changed what, when, before/after — as entries on the trail.

A model says where it sits in the tree through `trail_scope_path()`; the trace is read
through the scope gate by that path.

Each county (a root of the body tree) has its own change chain, `changes:<root id>`, so writes
in different counties never wait on the same chain-head row lock; entries with no place in the
tree (accounts) go on `changes:system`. The single chain every change went on before,
`changes`, is closed to new entries and stays as it is: verified and read like the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from dangjian.trail.display import field_label
from dangjian.trail.models import TrailEntry
from dangjian.trail.services import NewEntry, trail_append, trail_append_many

LEGACY_CHAIN = "changes"  # the one chain of every change before per-county chains; closed
CHAIN_PREFIX = "changes:"
SYSTEM_CHAIN = "changes:system"
_SKIP = {"id", "created_at", "updated_at", "path", "depth", "password", "last_login"}

ACTION_LABELS = {
    "create": "新增",
    "update": "修改",
    "end": "终止",
    "rename": "更名",
    "move": "调整隶属",
    "merge": "合并",
    "dissolve": "撤销",
    "attach": "上传佐证",
    "detach": "移除佐证",
    "grant": "授权",
    "revoke": "撤销授权",
    "import": "导入",
    "login_locked": "登录锁定",
    "reveal": "查看完整身份证号",
}


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The object's field values by verbose name; choices and foreign keys as their labels."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SKIP or (fields is not None and field.name not in fields):
            continue
        label = field_label(field)
        if field.is_relation:
            related = getattr(obj, field.name)
            out[label] = str(related) if related is not None else None
        elif getattr(field, "choices", None):
            value = getattr(obj, field.attname)
            labels = dict(field.flatchoices)
            out[label] = labels.get(value, value) if value not in ("", None) else ""
        else:
            out[label] = getattr(obj, field.attname)
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def changes_chain(scope_path: str) -> str:
    """The change chain an entry with this scope path goes on: its county's (the first id of
    the path is the root of the tree it sits in), or the system chain for no path."""
    root = scope_path.strip("/").split("/", 1)[0]
    return f"{CHAIN_PREFIX}{root}" if root else SYSTEM_CHAIN


def is_changes_chain(chain: str) -> bool:
    """One of the change trace's chains (the closed single chain or a per-county one)."""
    return chain == LEGACY_CHAIN or chain.startswith(CHAIN_PREFIX)


def scope_path_of(obj: models.Model) -> str:
    method = getattr(obj, "trail_scope_path", None)
    return method() if callable(method) else ""


def change_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> TrailEntry:
    scope_path = scope_path_of(obj)
    return trail_append(
        chain=changes_chain(scope_path),
        actor=actor,
        action=action,
        subject_type=obj._meta.label_lower,
        subject_id=obj.pk,
        subject_label=str(obj),
        scope_path=scope_path,
        before=before,
        after=after,
        note=note,
    )


@dataclass(frozen=True)
class Change:
    """One change for `change_record_many`: what `change_record` takes besides actor/action."""

    obj: models.Model
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str = ""


def change_record_many(*, actor: Any, action: str, changes: Sequence[Change]) -> list[TrailEntry]:
    """Trace many changes by one actor at once (an import), inside the caller's transaction:
    one entry per change, as `change_record` would write it, on the chain `changes_chain`
    names for its scope path; each chain is appended to once (chains locked in name order, so
    two of these never wait on each other in a cycle). Entries come back in the given order."""
    by_chain: dict[str, list[int]] = {}
    news: list[NewEntry] = []
    chains: dict[str, str] = {}  # scope path -> chain, asked once per path
    for i, change in enumerate(changes):
        obj = change.obj
        scope_path = scope_path_of(obj)
        if scope_path not in chains:
            chains[scope_path] = changes_chain(scope_path)
        by_chain.setdefault(chains[scope_path], []).append(i)
        news.append(NewEntry(
            action=action, subject_type=obj._meta.label_lower, subject_id=obj.pk,
            subject_label=str(obj), scope_path=scope_path, before=change.before,
            after=change.after, note=change.note,
        ))
    out: list[TrailEntry | None] = [None] * len(news)
    for chain in sorted(by_chain):
        indexes = by_chain[chain]
        entries = trail_append_many(chain=chain, actor=actor, entries=[news[i] for i in indexes])
        for i, entry in zip(indexes, entries, strict=True):
            out[i] = entry
    return [e for e in out if e is not None]
