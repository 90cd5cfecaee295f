"""The ballot write: claim a one-time code and store the sheet, atomically.

Two branches, one contract, both run by the ballots tests on their database:
A sheet is written only if it grades exactly the box's candidates (the set of candidate ids is
compared in the same statement), so a caller that validated nothing beforehand still cannot
store a partial or foreign sheet; it learns why from `None` by asking afterwards.
- PostgreSQL: a single statement (data-modifying CTEs, each run exactly once to completion),
  one round trip, committed when it returns; a prepared statement (planned once per connection,
  which halves the database's work per sheet: docs/performance.md, "Ballots").
  The box row is read `FOR KEY SHARE`, so closing a box (`SELECT … FOR UPDATE`) waits for sheets
  in flight, and a sheet waiting on a close sees the box closed and claims nothing.
- SQLite: one IMMEDIATE transaction (the database's single writer lock) running the same two
  steps as separate statements.
The code is claimed by deleting its row: of two racing submissions of one code, exactly one
deletes it (the other, waiting on the row, finds it gone and claims nothing). A deleted row is
out of every query's sight, so no code row carries the ballot's transaction id (PostgreSQL's
`xmin`), as an updated one would; on SQLite `secure_delete` (settings) overwrites the deleted
row's bytes in the file. Nothing about the rater is written: the ballot row holds the box, a
receipt and the grades.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from dangjian.ballots.models import Ballot, Box, BoxStatus, Candidate, Code

_BOX, _CODE, _BALLOT = Box._meta.db_table, Code._meta.db_table, Ballot._meta.db_table
_CANDIDATE = Candidate._meta.db_table

_PG_CAST = f"""
WITH box AS (
    SELECT id, title FROM {_BOX} WHERE id = %(box)s AND status = %(open)s
    AND (SELECT array_agg(id ORDER BY id) FROM {_CANDIDATE} WHERE box_id = %(box)s)
        = %(candidates)s::bigint[]
    FOR KEY SHARE
), claimed AS (
    DELETE FROM {_CODE}
    WHERE box_id IN (SELECT id FROM box) AND digest = %(digest)s AND NOT void
    RETURNING box_id
), ballot AS (
    INSERT INTO {_BALLOT} (box_id, receipt, marks)
    SELECT box_id, %(receipt)s, %(marks)s::jsonb FROM claimed
)
SELECT (SELECT count(*) FROM claimed), (SELECT title FROM box)
"""

_SQLITE_CLAIM = (f"DELETE FROM {_CODE} WHERE box_id = %s AND digest = %s AND void = %s "
                 f"AND EXISTS (SELECT 1 FROM {_BOX} WHERE id = %s AND status = %s)")
_SQLITE_BALLOT = f"INSERT INTO {_BALLOT} (box_id, receipt, marks) VALUES (%s, %s, %s)"
_SQLITE_TITLE = f"SELECT title FROM {_BOX} WHERE id = %s"
_SQLITE_CANDIDATES = f"SELECT id FROM {_CANDIDATE} WHERE box_id = %s ORDER BY id"


def _prepared_cursor() -> CursorWrapper:
    """A cursor that binds parameters on the server, so psycopg prepares its statements (see
    `prepare_threshold` in settings); wrapped like Django's own, so errors and query logging
    behave the same."""
    import psycopg

    connection.ensure_connection()
    return CursorWrapper(psycopg.Cursor(connection.connection), connection)


def cast(*, box_id: int, digest: str, receipt: str, marks: Mapping[int, str]) -> str | None:
    """Claim the code `digest` of an open box and store the ballot with `marks` (candidate id →
    grade, one for each of the box's candidates); return the box's title, or None if nothing was
    claimed (unknown, void or used code, the box not open, or not exactly its candidates).
    Raises IntegrityError on a receipt collision, having written nothing."""
    sheet = json.dumps({str(pk): grade for pk, grade in marks.items()}, separators=(",", ":"))
    if connection.vendor == "postgresql":
        # Outside any transaction the statement commits by itself (one round trip); inside one
        # (a caller's atomic block), a savepoint keeps a failed statement from poisoning it.
        guard = (transaction.atomic() if connection.in_atomic_block
                 else contextlib.nullcontext())
        with guard, _prepared_cursor() as cur:
            cur.execute(_PG_CAST, {"box": box_id, "open": BoxStatus.OPEN.value,
                                   "digest": digest, "receipt": receipt, "marks": sheet,
                                   # an array literal: cheaper to send than a list
                                   "candidates": "{" + ",".join(map(str, sorted(marks))) + "}"})
            claimed, title = cur.fetchone()
        return title if claimed else None
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(_SQLITE_CANDIDATES, [box_id])
        if [pk for (pk,) in cur.fetchall()] != sorted(marks):
            return None
        cur.execute(_SQLITE_CLAIM, [box_id, digest, False, box_id, BoxStatus.OPEN.value])
        if cur.rowcount != 1:
            return None
        cur.execute(_SQLITE_BALLOT, [box_id, receipt, sheet])
        cur.execute(_SQLITE_TITLE, [box_id])
        return str(cur.fetchone()[0])
