"""Rows that are appended and never changed: the model refuses a second save and a delete, its
queryset refuses bulk update and delete. A deletion the policy allows (a retention prune) is
written in SQL by the one service that owns it. The database's own triggers, where a table has
them, stand behind this for writes that bypass the ORM."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.db import models


def _refuse(what: str, verb: str) -> NoReturn:
    raise ValueError(f"{what}只可追加，不可{verb}")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        _refuse(self.model.append_only_label, "修改")

    def delete(self) -> NoReturn:
        _refuse(self.model.append_only_label, "删除")


class AppendOnlyModel(models.Model):
    """Abstract: set `append_only_label` to the name in the refusal (e.g. "安全日志")."""

    append_only_label: ClassVar[str] = "记录"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse(self.append_only_label, "修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(self.append_only_label, "删除")
