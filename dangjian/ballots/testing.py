"""Named records the ballots API's scope-matrix entries use (dangjian.testing.County.objects):
beside the draft boxes box_own/box_other, an open box (with two unused codes) and a closed box
in each department, so that closing, voiding and reading a result meet a box in the state
they need. And `database_files`: what someone reading the database's files sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import connection

from dangjian.ballots.services import box_close, box_create, box_open, codes_issue
from dangjian.testing_files import read_elsewhere


def matrix_objects(county: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for suffix, dept in (("own", county.depts[0]), ("other", county.depts[1])):
        for state in ("open", "closed"):
            box = box_create(actor=None, title=f"测评{state}{suffix}", purpose="test",
                             owner_body=dept.branches[0], candidates=[("甲", "", "")],
                             check_scope=False)
            codes_issue(actor=None, box=box, count=2, check_scope=False)
            box = box_open(actor=None, box=box, check_scope=False)
            if state == "closed":
                box = box_close(actor=None, box=box, check_scope=False)
            out[f"box_{state}_{suffix}"] = box
    return out


def database_files(table: str) -> bytes | None:
    """The bytes on disk of a table and its indexes, as someone reading the database's files
    would see them: SQLite's file and log; PostgreSQL's relation files after a checkpoint (None
    when the server's files cannot be read from here)."""
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        return read_elsewhere(path, path.with_name(path.name + "-wal"))
    with connection.cursor() as cur:
        cur.execute("CHECKPOINT")
        cur.execute("SHOW data_directory")
        home = Path(cur.fetchone()[0])
        cur.execute("SELECT pg_relation_filepath(c.oid) FROM pg_class c WHERE c.oid = %s::regclass "
                    "OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = %s::regclass)",
                    [table, table])
        paths = [home / p for (p,) in cur.fetchall()]
    try:
        return b"".join(p.read_bytes() for p in paths)
    except OSError:
        return None
