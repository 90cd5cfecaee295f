"""Import a whole .xlsx of bodies, people or posts: every row is checked, then every row is
written through the registry's services in one transaction — or nothing is, and the caller
gets the list of problems by row and column (R0.8). People are checked and written in batches
(`people_create_many`); bodies and posts row by row."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction

from dangjian.org.excel.columns import SheetSpec
from dangjian.org.excel.planning import PLANNERS
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


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """An import holds every row, person and trace entry of the file until it ends (hundreds
    of thousands of objects, no cycles among them): the cycle collector would walk them all
    again and again as they pile up — a tenth of the import's time, measured. Reference
    counting still frees everything else as usual; the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_workbook(*, actor: Any, spec: SheetSpec, upload: IO[bytes], size: int,
                    progress: Progress = _no_progress) -> ImportResult:
    """Check every row, then write all of them or none. The caller has checked that the actor
    may import this kind at all; each row's own scope is checked here and by the services.

    `progress` is told of the rows read, of the checking before the write transaction opens
    (so a caller may commit it elsewhere) and of the rows written inside it."""
    with _cycle_collector_paused():
        return _import(actor, spec, upload, size, progress)


def _import(actor: Any, spec: SheetSpec, upload: IO[bytes], size: int,
            progress: Progress) -> ImportResult:
    result = ImportResult(spec)
    progress("读取", 0, 0)
    try:
        rows = read_rows(spec, upload, size, progress=lambda done: progress("读取", done, 0))
    except FileProblem as exc:
        result.problems = [Problem(None, "", m) for m in exc.messages]
        return result
    total = len(rows)
    progress("校验", 0, total)
    plan = PLANNERS[spec.kind](actor, rows)
    progress("校验", total, total)
    progress("写入", 0, total)
    with transaction.atomic():
        ready = [row for row in rows if row.ok]
        plan.write_all(ready, lambda done: progress("写入", done, total))
        result.problems = _problems(spec, rows)
        if result.problems:
            transaction.set_rollback(True)
        else:
            result.created = len(rows)
            progress("写入", total, total)
    return result


def _problems(spec: SheetSpec, rows: list[Row]) -> list[Problem]:
    order = {c.key: i for i, c in enumerate(spec.columns)}
    out: list[Problem] = []
    for row in rows:
        found = row.scope_problems or row.problems  # out of scope: say only that
        for key in sorted(found, key=lambda k: order.get(k, -1)):
            out.append(Problem(row.number, spec.header_of(key), found[key]))
    return out
