"""Finding the bodies an import row names (by 机构代码 or name), in one query for the file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dangjian.org.models import Body
from dangjian.org.scope import Grant


@dataclass
class PendingBody:
    """A body that an earlier row of the same file creates."""

    row: int
    name: str
    code: str
    kind: str
    ok: bool = True


BodyRef = Body | PendingBody


def covers(grants: list[Grant], body: Body) -> bool:
    return any(g.covers_path(body.path) for g in grants)


class BodyIndex:
    """Every body, indexed by code and (for current ones) by name."""

    def __init__(self) -> None:
        self.by_code: dict[str, Body] = {}
        self.by_name: dict[str, list[BodyRef]] = {}
        self.ended_names: set[str] = set()
        self.pending_by_code: dict[str, PendingBody] = {}
        for body in Body.objects.all():
            if body.code:
                self.by_code[body.code] = body
            if body.valid_to is None:
                self.by_name.setdefault(body.name, []).append(body)
            else:
                self.ended_names.add(body.name)

    def add_pending(self, pending: PendingBody) -> None:
        if pending.code:
            self.pending_by_code.setdefault(pending.code, pending)
        self.by_name.setdefault(pending.name, []).append(pending)

    def resolve(self, text: str, *, within: Body | None = None) -> BodyRef:
        """The one body `text` names; ValueError with a Chinese message otherwise."""
        if text in self.by_code:
            body = self.by_code[text]
            if body.valid_to is not None:
                raise ValueError(f"“{body.name}”（{text}）已于{body.valid_to:%Y-%m-%d}撤销")
            return body
        if text in self.pending_by_code:
            return self.pending_by_code[text]
        candidates: list[BodyRef] = self.by_name.get(text, [])
        if within is not None and len(candidates) > 1:
            inside: list[BodyRef] = [c for c in candidates if isinstance(c, Body)
                      and c.path.startswith(within.path)]
            candidates = inside or candidates
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise ValueError(f"有{len(candidates)}个名为“{text}”的组织，请改填机构代码")
        if text in self.ended_names:
            raise ValueError(f"“{text}”已撤销")
        raise ValueError(f"系统中没有名称或机构代码为“{text}”的组织")


def describe(ref: Any) -> str:
    return ref.name if isinstance(ref, Body | PendingBody) else str(ref)
