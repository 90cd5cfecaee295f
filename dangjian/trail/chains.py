"""What a chain is called on a page or in a document: "duty:16" is 某组织履责纪实链.

A module that keeps its own chains names them by registering its prefix with a function from
the rest of the name to the label. The change trace's chains are named here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps

_NAMERS: dict[str, Callable[[str], str]] = {}


def chain_register(prefix: str, namer: Callable[[str], str]) -> None:
    _NAMERS[prefix] = namer


def body_name(pk: str) -> str | None:
    """The name of the body with this id, for chains named after one (None: no such body)."""
    if not pk.isdigit():
        return None
    body = apps.get_model("org", "Body")
    return body._default_manager.filter(pk=int(pk)).values_list("name", flat=True).first()


def _changes(rest: str) -> str:
    if rest == "system":
        return "账号等系统对象变更留痕链"
    name = body_name(rest)
    return f"{name}变更留痕链" if name else f"变更留痕链（{rest}）"


def chain_label(chain: str) -> str:
    """A chain's name for a reader; an unknown chain keeps its code."""
    if chain == "changes":
        return "变更留痕链（早期，已停用）"
    if chain.startswith("changes:"):
        return _changes(chain.removeprefix("changes:"))
    for prefix, namer in _NAMERS.items():
        if chain.startswith(prefix):
            return namer(chain.removeprefix(prefix))
    return chain
