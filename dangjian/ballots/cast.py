"""The ballot write: claim a one-time code and store the ballot with its marks, atomically.

Two branches, one contract, both run by the ballots tests on their database:
- PostgreSQL: a single statement (data-modifying CTEs, each run exactly once to completion),
  one round trip, committed when it returns.
  The box row is read `FOR KEY SHARE`, so closing a box (`SELECT … FOR UPDATE`) waits for sheets
  in flight, and a sheet waiting on a close sees the box closed and claims nothing.
- SQLite: one IMMEDIATE transaction (the database's single writer lock) running the same three
  steps as separate statements.
The code is claimed by a conditional UPDATE (`used = false` in the WHERE): of two racing
submissions of one code, exactly one matches. Nothing about the rater is written: the ballot row
holds the box and a receipt, the marks a candidate and a grade.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from django.db import connection, transaction

from dangjian.ballots.models import Ballot, Box, BoxStatus, Code, Mark

_BOX, _CODE = Box._meta.db_table, Code._meta.db_table
_BALLOT, _MARK = Ballot._meta.db_table, Mark._meta.db_table

_PG_CAST = f"""
WITH box AS (
    SELECT id FROM {_BOX} WHERE id = %(box)s AND status = %(open)s FOR KEY SHARE
), claimed AS (
    UPDATE {_CODE} SET used = true
    WHERE box_id IN (SELECT id FROM box) AND digest = %(digest)s AND NOT used AND NOT void
    RETURNING box_id
), ballot AS (
    INSERT INTO {_BALLOT} (box_id, receipt) SELECT box_id, %(receipt)s FROM claimed
    RETURNING id
), marks AS (
    INSERT INTO {_MARK} (ballot_id, candidate_id, grade)
    SELECT ballot.id, m.candidate, m.grade
    FROM ballot, unnest(%(candidates)s::bigint[], %(grades)s::varchar[]) AS m(candidate, grade)
)
SELECT count(*) FROM claimed
"""

_SQLITE_CLAIM = (f"UPDATE {_CODE} SET used = %s WHERE box_id = %s AND digest = %s "
                 f"AND used = %s AND void = %s "
                 f"AND EXISTS (SELECT 1 FROM {_BOX} WHERE id = %s AND status = %s)")
_SQLITE_BALLOT = f"INSERT INTO {_BALLOT} (box_id, receipt) VALUES (%s, %s)"
_SQLITE_MARK = f"INSERT INTO {_MARK} (ballot_id, candidate_id, grade) VALUES (%s, %s, %s)"


def cast(*, box_id: int, digest: str, receipt: str, marks: Sequence[tuple[int, str]]) -> bool:
    """Claim the code `digest` of an open box and store the ballot; False if nothing was claimed
    (unknown, void or used code, or the box is not open). Raises IntegrityError on a receipt
    collision, having written nothing."""
    if connection.vendor == "postgresql":
        # Outside any transaction the statement commits by itself (one round trip); inside one
        # (a caller's atomic block), a savepoint keeps a failed statement from poisoning it.
        guard = (transaction.atomic() if connection.in_atomic_block
                 else contextlib.nullcontext())
        with guard, connection.cursor() as cur:
            cur.execute(_PG_CAST, {
                "box": box_id, "open": BoxStatus.OPEN.value, "digest": digest,
                "receipt": receipt, "candidates": [pk for pk, _ in marks],
                "grades": [grade for _, grade in marks],
            })
            claimed = cur.fetchone()[0]
        return bool(claimed)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(_SQLITE_CLAIM, [True, box_id, digest, False, False, box_id,
                                    BoxStatus.OPEN.value])
        if cur.rowcount != 1:
            return False
        cur.execute(_SQLITE_BALLOT, [box_id, receipt])
        ballot_id = cur.lastrowid
        cur.executemany(_SQLITE_MARK, [(ballot_id, pk, grade) for pk, grade in marks])
    return True
