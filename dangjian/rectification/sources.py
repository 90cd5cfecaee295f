"""Where plans come from, by name: a module that makes plans registers its source key with the
label readers see (the engine itself knows none of them)."""

from __future__ import annotations

_LABELS: dict[str, str] = {}


def source_register(key: str, label: str) -> None:
    _LABELS[key] = label


def source_label(key: str) -> str:
    """The source's name for a reader; an unregistered key as it is."""
    return _LABELS.get(key, key)


def source_choices() -> list[tuple[str, str]]:
    return sorted(_LABELS.items(), key=lambda kv: kv[1])
