"""Django's stock validation messages, said plainly in Chinese with the field's name.

Django's own wording reaches a person as "确保该变量包含不超过 40 字符" or "具有 身份证号 的 人员
已存在。". `chinese_errors` rewrites each stock message by its code (max_length, unique, …) into
a sentence about the field ("姓名不能超过40个字（现为45个字）", "已有相同身份证号的人员");
messages a model or service wrote itself (no stock code) pass through unchanged. The model mixin
`dangjian.core.text.PlainText` applies it in `full_clean()`, the check every service makes
before it saves, so pages and the API show the same sentences; `ChineseForm`, the base of the
input forms, does the same for what a form refuses before a service sees it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models

_TEMPLATES = {
    "max_length": "{label}不能超过{limit_value}个字（现为{show_value}个字）",
    "min_length": "{label}至少需要{limit_value}个字（现为{show_value}个字）",
    "required": "请填写{label}",
    "blank": "请填写{label}",
    "null": "请填写{label}",
    "invalid_choice": "{label}的取值不在可选范围内，请从列表中选择",
    "invalid": "{label}的格式不正确",
    "invalid_date": "{label}不是有效的日期",
    "invalid_datetime": "{label}不是有效的时间",
    "invalid_time": "{label}不是有效的时间",
    "max_value": "{label}不能大于{limit_value}",
    "min_value": "{label}不能小于{limit_value}",
    "max_digits": "{label}的位数过多（最多{max}位）",
    "max_decimal_places": "{label}的小数位数过多（最多{max}位）",
    "max_whole_digits": "{label}的整数位数过多（最多{max}位）",
}


def _field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model: type[models.Model], name: str) -> str:
    return str(getattr(_field(model, name), "verbose_name", name))


def unique_message(model: type[models.Model], fields: tuple[str, ...]) -> str:
    """What to say when a record with the same values of `fields` exists already."""
    return f"已有相同{'、'.join(_label(model, f) for f in fields)}的{model._meta.verbose_name}"


def _unique(model: type[models.Model], error: ValidationError) -> str | None:
    params: dict[str, Any] = dict(error.params or {})
    fields = tuple(params.get("unique_check") or ())
    return unique_message(model, fields) if fields else None


def _custom(field: Any, code: str) -> bool:
    """The field (a model's or a form's) was given its own message for `code`."""
    given = getattr(field, "error_messages", None) or {}
    if code not in given:
        return False
    defaults: dict[str, Any] = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return bool(given[code] != defaults.get(code))


def stock_message(error: ValidationError, label: str, field: Any = None) -> ValidationError:
    """One stock error as a sentence about the field called `label`; errors with no stock
    code, or for which the field carries its own message, unchanged."""
    code = error.code or ""
    if code not in _TEMPLATES or not label or (field is not None and _custom(field, code)):
        return error
    params = {"limit_value": "", "show_value": "", "max": "", **(error.params or {})}
    return ValidationError(_TEMPLATES[code].format(label=label, **params), code=code)


def _message(model: type[models.Model], name: str, error: ValidationError) -> ValidationError:
    field = _field(model, name)
    if error.code in ("unique", "unique_together"):
        if field is not None and _custom(field, "unique"):
            return error
        text = _unique(model, error)
        return error if text is None else ValidationError(text, code=error.code)
    if name == NON_FIELD_ERRORS:
        return error
    return stock_message(error, _label(model, name), field)


def chinese_errors(model: type[models.Model], exc: ValidationError) -> ValidationError:
    """`exc` with each stock message put as a Chinese sentence naming the field."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({
        name: [_message(model, name, e) for e in errors]
        for name, errors in exc.error_dict.items()
    })


class ChineseForm(forms.Form):
    """A form whose own refusals (required, too long, not a date, …) name the field in Chinese."""

    def full_clean(self) -> None:
        super().full_clean()
        for name, errors in (getattr(self, "_errors", None) or {}).items():
            field = self.fields.get(name)
            label = str(field.label) if field is not None and field.label else ""
            errors.data = [stock_message(e, label, field) if isinstance(e, ValidationError)
                           else e for e in errors.data]
