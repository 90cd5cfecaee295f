"""Import a whole .xlsx of bodies, people or posts: every row is checked, then every row is
written through the registry's services in one transaction — or nothing is, and the caller
gets the list of problems by row and column (R0.8)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from dangjian.org.excel.columns import SheetSpec
from dangjian.org.excel.planning import PLANNERS, Plan
from dangjian.org.excel.reading import FileProblem, Row, read_rows


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: the file as a whole
    column: str
    message: str


#: progress(stage, done, total): called as the import goes; stages are "读取", "校验", "写入".
Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class ImportResult:
    spec: SheetSpec
    created: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def import_workbook(*, actor: Any, spec: SheetSpec, upload: IO[bytes], size: int,
                    progress: Progress = _no_progress) -> ImportResult:
    """Check every row, then write all of them or none. The caller has checked that the actor
    may import this kind at all; each row's own scope is checked here and by the services.

    `progress` is told of each stage before the write transaction opens (so a caller may
    commit it elsewhere) and of the rows written inside it."""
    result = ImportResult(spec)
    progress("读取", 0, 0)
    try:
        rows = read_rows(spec, upload, size)
    except FileProblem as exc:
        result.problems = [Problem(None, "", m) for m in exc.messages]
        return result
    total = len(rows)
    progress("校验", total, total)
    plan = PLANNERS[spec.kind](actor, rows)
    progress("写入", 0, total)
    with transaction.atomic():
        for done, row in enumerate(rows, start=1):
            if row.ok:
                _write(plan, row)
            if done % 500 == 0:
                progress("写入", done, total)
        result.problems = _problems(spec, rows)
        if result.problems:
            transaction.set_rollback(True)
        else:
            result.created = len(rows)
    return result


def _write(plan: Plan, row: Row) -> None:
    """One row through its service, in a savepoint: a refusal rolls back only this row here,
    and the outer transaction is rolled back once any row has failed."""
    try:
        with transaction.atomic():
            plan.write(row)
    except ValidationError as exc:
        for field_name, messages in _by_field(exc).items():
            key = plan.field_columns.get(field_name, "")
            row.problems[key] = "；".join(messages)
    except PermissionDenied as exc:
        row.scope_problems[""] = str(exc) or "不在您的管理范围内"
    except IntegrityError:
        row.problems[""] = "与系统中已有数据冲突（可能是重复记录），请检查该行"


def _by_field(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {("" if k == NON_FIELD_ERRORS else k): v for k, v in exc.message_dict.items()}
    return {"": exc.messages}


def _problems(spec: SheetSpec, rows: list[Row]) -> list[Problem]:
    order = {c.key: i for i, c in enumerate(spec.columns)}
    out: list[Problem] = []
    for row in rows:
        found = row.scope_problems or row.problems  # out of scope: say only that
        for key in sorted(found, key=lambda k: order.get(k, -1)):
            out.append(Problem(row.number, spec.header_of(key), found[key]))
    return out
