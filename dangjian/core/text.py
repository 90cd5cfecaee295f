"""Text people type: no control characters.

A name, title or other short field is one line: a CR or LF in a unit's name broke its
feedback .docx, and no person types a control character on purpose. Long text (a TextField:
opinions, findings) keeps its line breaks and tabs but no other control character.

`PlainText` is the model-level rule: a model that inherits it refuses such values in
`full_clean()`, which every service calls before it saves, so the page and the API both answer
with the field's Chinese message (a form error, a 422) and nothing is written. It also puts
Django's stock messages (too long, already exists, …) as Chinese sentences naming the field.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

LINE_BREAKS = frozenset("\t\n\r")
SINGLE_LINE = "不能包含换行符、制表符或其他控制字符"
MULTI_LINE = "不能包含控制字符（换行与制表符除外）"


def _is_control(ch: str) -> bool:
    # Cc: C0, DEL and C1; also the line and paragraph separators, which split a line as CR does.
    return unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029"


def control_char_problem(value: str, *, multiline: bool = False) -> str:
    """'' if `value` is fine, else the Chinese message."""
    for ch in value:
        if _is_control(ch) and not (multiline and ch in LINE_BREAKS):
            return MULTI_LINE if multiline else SINGLE_LINE
    return ""


def single_line(value: Any) -> None:
    """A form or model validator for a short field."""
    if isinstance(value, str):
        problem = control_char_problem(value)
        if problem:
            raise ValidationError(problem, code="control_character")


def multi_line(value: Any) -> None:
    """A form or model validator for a long text field."""
    if isinstance(value, str):
        problem = control_char_problem(value, multiline=True)
        if problem:
            raise ValidationError(problem, code="control_character")


def require_single_line(**values: str) -> None:
    """For a service that writes a short text without `full_clean()` (a queryset update):
    ValidationError naming each field whose value holds a control character."""
    found = {k: SINGLE_LINE for k, v in values.items() if control_char_problem(v)}
    if found:
        raise ValidationError(found)


def text_problems(obj: models.Model, exclude: Collection[str] = ()) -> dict[str, str]:
    """The model's text fields holding a character their kind refuses."""
    found: dict[str, str] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, str):
            problem = control_char_problem(value, multiline=isinstance(field, models.TextField))
            if problem:
                found[field.name] = f"{field.verbose_name}{problem}"
    return found


class PlainText:
    """A model mixin (before models.Model in the bases) that refuses control characters in
    every text field (see the module's docstring)."""

    def full_clean(self, *args: Any, **kwargs: Any) -> None:
        """Django's stock messages as Chinese sentences (dangjian.core.validation)."""
        from dangjian.core.validation import chinese_errors

        assert isinstance(self, models.Model)
        try:
            super().full_clean(*args, **kwargs)  # type: ignore[misc]  # models.Model's
        except ValidationError as exc:
            raise chinese_errors(type(self), exc) from None

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        errors: dict[str, list[Any]] = {}
        try:
            super().clean_fields(exclude=exclude)  # type: ignore[misc]  # models.Model's
        except ValidationError as exc:
            errors = {k: list(v) for k, v in exc.error_dict.items()}
        assert isinstance(self, models.Model)
        for name, message in text_problems(self, exclude or ()).items():
            errors.setdefault(name, [message])
        if errors:
            raise ValidationError(errors)
