"""The change trace as a reader sees it: each before/after value as a Chinese line.

Entries keep what was written (their digests cover it); this only renders. A key is the field's
verbose name (what `snapshot` writes) or, in older entries and hand-made dicts, the field's own
name; both resolve through the subject's model. Values: 是/否 for booleans, local time for
timestamps, an object's name for a foreign key's id, a JSON value as readable text. A model can
render one of its fields itself through a `trail_value(field_name, value)` classmethod (a value
whose meaning only the model knows, e.g. ids grouped by kind).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# Names a field takes without a verbose name, where the name says it plainly.
_PLAIN = {
    "order": "排序", "title": "标题", "name": "名称", "status": "状态", "note": "说明",
    "content": "内容", "kind": "类型", "year": "年度", "body": "组织", "person": "人员",
    "status_from": "原状态", "status_to": "新状态", "valid_from": "起始日期",
    "valid_to": "终止日期", "void": "已作废", "read_at": "阅读时间", "day": "日期", "key": "标识",
    "chain": "留痕链", "seq": "序号", "digest": "摘要", "prev_digest": "前一条摘要",
    "subject_id": "对象编号", "object_id": "对象编号", "scope_path": "所在范围",
}
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
EMPTY = "—"


def field_label(field: models.Field[Any, Any] | models.ForeignObjectRel) -> str:
    """A field's name for a reader: its verbose name; a relation without one, the related
    model's verbose name (`author` → 用户); else a plain word for common names."""
    explicit = getattr(field, "_verbose_name", None)
    if explicit:
        return str(explicit)
    related = getattr(field, "related_model", None)
    if related is not None and getattr(field, "is_relation", False):
        return str(related._meta.verbose_name)
    return _PLAIN.get(field.name, str(getattr(field, "verbose_name", field.name)))


@dataclass(frozen=True)
class Line:
    label: str
    text: str


def _model(subject_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(subject_type)
    except (LookupError, ValueError):
        return None


def _fields(model: type[models.Model] | None) -> dict[str, models.Field[Any, Any]]:
    """A model's concrete fields by every key an entry may use for them."""
    out: dict[str, models.Field[Any, Any]] = {}
    if model is None:
        return out
    for field in model._meta.concrete_fields:
        for key in (field.name, field.attname, str(field.verbose_name), field_label(field)):
            out.setdefault(key, field)
    return out


def text_of(value: Any) -> str:
    """A JSON value as text: 是/否, local time, lists and objects spelled out."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(
            value) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and _TIMESTAMP.match(value):
        moment = parse_datetime(value)
        if moment is not None:
            return text_of(moment)
    if isinstance(value, list | tuple):
        return "、".join(text_of(v) for v in value) if value else EMPTY
    if isinstance(value, dict):
        return "；".join(f"{k}：{text_of(v)}" for k, v in value.items()) if value else EMPTY
    return str(value)


class _Names:
    """The names of the objects foreign keys point to, fetched once per model for a page."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = {}
        self.found: dict[type[models.Model], dict[Any, str]] = {}

    def want(self, model: type[models.Model], value: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool):
            self.wanted.setdefault(model, set()).add(value)

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            objs = model._default_manager.filter(pk__in=ids)
            self.found[model] = {o.pk: str(o) for o in objs}

    def name(self, model: type[models.Model], value: Any) -> str | None:
        return self.found.get(model, {}).get(value)


def _related(field: models.Field[Any, Any] | None) -> type[models.Model] | None:
    if field is None or not field.is_relation or field.related_model is None:
        return None
    related = field.related_model
    return related if isinstance(related, type) else None


def _walk(model: type[models.Model] | None, data: Any, names: _Names) -> None:
    if not isinstance(data, dict):
        return
    fields = _fields(model)
    for key, value in data.items():
        related = _related(fields.get(key))
        if related is not None:
            for v in value if isinstance(value, list) else [value]:
                names.want(related, v)
        _walk(model, value, names)


def _value(model: type[models.Model] | None, field: models.Field[Any, Any] | None, value: Any,
           names: _Names) -> str:
    hook = getattr(model, "trail_value", None)
    if field is not None and callable(hook):
        shown = hook(field.name, value)
        if shown is not None:
            return str(shown)
    related = _related(field)
    if related is not None and not isinstance(value, bool):
        many = value if isinstance(value, list) else [value]
        found = [names.name(related, v) for v in many]
        if many and all(found):
            return "、".join(str(f) for f in found)
    if field is not None and field.choices and not isinstance(value, dict | list):
        labels = {str(k): v for k, v in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, dict):
        fields = _fields(model)
        return "；".join(
            f"{_label(fields.get(k), k)}：{_value(model, fields.get(k), v, names)}"
            for k, v in value.items()
        ) if value else EMPTY
    return text_of(value)


def _label(field: models.Field[Any, Any] | None, key: str) -> str:
    return field_label(field) if field is not None else key


def _lines(model: type[models.Model] | None, data: Any, names: _Names) -> list[Line]:
    if not data:
        return []
    if not isinstance(data, dict):
        return [Line("", text_of(data))]
    fields = _fields(model)
    return [Line(_label(fields.get(k), k), _value(model, fields.get(k), v, names))
            for k, v in data.items()]


@dataclass(frozen=True)
class ShownEntry:
    """An entry with its before/after as lines for the page."""

    entry: Any
    before: list[Line]
    after: list[Line]


def entries_shown(entries: Iterable[Any]) -> list[ShownEntry]:
    """The entries with their values rendered; one query per model a foreign key points to."""
    rows = list(entries)
    names = _Names()
    models_of = {e.subject_type: _model(e.subject_type) for e in rows}
    for e in rows:
        _walk(models_of[e.subject_type], e.before, names)
        _walk(models_of[e.subject_type], e.after, names)
    names.fetch()
    return [ShownEntry(e, _lines(models_of[e.subject_type], e.before, names),
                       _lines(models_of[e.subject_type], e.after, names)) for e in rows]
