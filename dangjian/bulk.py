"""Inserting thousands of rows of one model, inside the caller's transaction, at a fraction of
`bulk_create`'s cost: each value is what the field's own `pre_save` and `get_db_prep_save`
give (as `bulk_create` would send), without the query compiler's work per value; the rows go by
COPY on PostgreSQL (several times faster there than any INSERT) and by executemany on SQLite.

No signals are sent and nothing is validated here: callers validate first (an import checks
every row before it writes any). The database's own constraints still hold; a violation is
raised as Django's IntegrityError, as `bulk_create` would raise it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def insert_many(model: type[models.Model], objs: Sequence[models.Model], *,
                assign_pk: bool = False, batch_size: int = 1000) -> None:
    """INSERT `objs` (all of `model`). `assign_pk`: the objects come back with their new
    primary keys, as saved ones; otherwise they keep none."""
    if not objs:
        return
    assert connection.in_atomic_block, "insert_many runs inside the caller's transaction"
    postgres = connection.vendor == "postgresql"
    if assign_pk and postgres:
        for obj, pk in zip(objs, _sequence_values(model, len(objs)), strict=True):
            obj.pk = pk
    fields = [f for f in model._meta.concrete_fields if (assign_pk and postgres)
              or not f.primary_key]
    plain = [isinstance(f, _PLAIN_FIELDS) for f in fields]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(str(f.column)) for f in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        for start in range(0, len(objs), batch_size):
            batch = objs[start:start + batch_size]
            rows = [_values(obj, fields, plain) for obj in batch]
            if postgres:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                continue
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
            if assign_pk:
                # One writer at a time on SQLite, and this transaction holds the lock since its
                # first INSERT: the batch's AUTOINCREMENT keys are the last n given, in order.
                cursor.execute("SELECT last_insert_rowid()")
                last = cursor.fetchone()[0]
                for offset, obj in enumerate(batch):
                    obj.pk = last - len(batch) + 1 + offset
    if assign_pk:
        for obj in objs:
            obj._state.adding, obj._state.db = False, connection.alias


# Fields whose database value is the Python value itself when it is exactly one of _AS_IS (what
# their get_db_prep_save would return unchanged): skipping that call is most of the saving.
_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
_AS_IS = (str, int, bool, type(None))


def _values(obj: models.Model, fields: list[models.Field], plain: list[bool]) -> list[Any]:
    row: list[Any] = []
    for field, is_plain in zip(fields, plain, strict=True):
        value = field.pre_save(obj, True)
        row.append(value if is_plain and type(value) in _AS_IS
                   else field.get_db_prep_save(value, connection))
    return row


def _sequence_values(model: type[models.Model], n: int) -> list[int]:
    """n new values of the primary key's sequence (PostgreSQL): no other row has or will
    get them."""
    meta = model._meta
    column = str(meta.pk.column) if meta.pk else "id"
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)",
                       [connection.ops.quote_name(meta.db_table), column, n])
        return [row[0] for row in cursor.fetchall()]
