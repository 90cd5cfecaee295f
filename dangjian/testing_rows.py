"""Rows a test set-up wrote, kept once and written again in later tests (test infrastructure).

`RowCopy.take(build)` runs `build()` and keeps every row it inserted or changed, table by table,
as the database returned them; `restore()` writes those rows again, as they were (primary keys,
timestamps, digests and sealed values unchanged), with a few statements per table instead of
the hundreds of service calls and checks `build()` makes. By default a copy is only taken when
every table `build()` wrote to was empty before, and it is only valid where the database is as it
was then (`matches()`: every table's row count the same), so the rows written back collide with
none. With `changes=True`, rows `build()` changed or deleted are kept too (replaced or deleted
on restore): for a set-up that follows another one written back from a copy, whose rows are known.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, transaction


def _tables() -> list[tuple[str, str]]:
    """(table, primary key column) of every concrete model's table in the database."""
    existing = set(connection.introspection.table_names())
    out: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in existing:
            continue
        out.setdefault(meta.db_table, str(meta.pk.column))
    return sorted(out.items())


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _counts(tables: list[tuple[str, str]]) -> tuple[int, ...]:
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {_q(t)})" for t, _ in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def _rows(table: str, pk: str) -> tuple[list[str], dict[Any, Any]]:
    """The table's columns and {pk: row}: on PostgreSQL each row as its JSON text (restored
    through json_populate_recordset, so every type comes back exactly), elsewhere the tuple of
    values the driver returned (SQLite: numbers, text, bytes)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {_q(pk)}, row_to_json(r)::text FROM {_q(table)} r")
            return [], dict(cursor.fetchall())
        cursor.execute(f"SELECT * FROM {_q(table)}")
        columns = [c[0] for c in cursor.description]
        at = columns.index(pk)
        return columns, {row[at]: row for row in cursor.fetchall()}


@dataclass
class _Table:
    name: str
    pk: str
    columns: list[str]
    rows: list[Any]  # in pk order
    gone: list[Any] = field(default_factory=list)  # pks deleted or replaced by `rows`


@dataclass
class RowCopy:
    tables: list[tuple[str, str]]
    counts: tuple[int, ...]
    changed: list[_Table] = field(default_factory=list)
    sequences: list[tuple[str, str, Any]] = field(default_factory=list)  # PostgreSQL

    @classmethod
    def take(cls, build: Callable[[], Any], *,
             changes: bool = False) -> tuple[RowCopy | None, Any]:
        """`build()`'s result, and the copy of its rows (None where it changed a table that had
        rows before, unless `changes`)."""
        tables = _tables()
        counts = _counts(tables)
        before = {t: _rows(t, pk)[1] for (t, pk), n in zip(tables, counts, strict=True) if n}
        result = build()
        copy = cls(tables, counts)
        for table, pk in tables:
            columns, rows = _rows(table, pk)
            old = before.get(table, {})
            if rows == old:
                continue
            if old and not changes:
                return None, result
            new = sorted(k for k, row in rows.items() if old.get(k) != row)
            gone = sorted(k for k in old if old[k] != rows.get(k))
            copy.changed.append(_Table(table, pk, columns, [rows[k] for k in new], gone))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for t in copy.changed:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [_q(t.name), t.pk])
                    (sequence,) = cursor.fetchone()
                    if sequence:
                        top = max((json.loads(row)[t.pk] for row in t.rows), default=0)
                        copy.sequences.append((t.name, sequence, top))
        return copy, result

    def matches(self) -> bool:
        return _counts(self.tables) == self.counts

    def restore(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for t in self.changed:
                if t.gone:
                    marks = ", ".join(["%s"] * len(t.gone))
                    cursor.execute(f"DELETE FROM {_q(t.name)} WHERE {_q(t.pk)} IN ({marks})",
                                   t.gone)
                if not t.rows:
                    continue
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"INSERT INTO {_q(t.name)} SELECT * FROM "
                        f"json_populate_recordset(NULL::{_q(t.name)}, %s::json)",
                        ["[" + ",".join(t.rows) + "]"])
                else:
                    marks = ", ".join(["%s"] * len(t.columns))
                    names = ", ".join(_q(c) for c in t.columns)
                    cursor.executemany(
                        f"INSERT INTO {_q(t.name)} ({names}) VALUES ({marks})", t.rows)
            if self.sequences:
                # A sequence is never behind the rows written back (it is not rolled back with
                # the tests' transactions, but a flush may have reset it).
                cursor.execute("SELECT " + ", ".join(
                    f"setval('{seq}', GREATEST({int(top)}, (SELECT last_value FROM {seq})))"
                    for _, seq, top in self.sequences))
