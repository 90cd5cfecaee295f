"""The database's part of a backup: an online, consistent copy and the figures read from that
same copy, and its restore.

SQLite: `sqlite3.Connection.backup` copies every page in one step inside one read transaction;
in WAL mode writers go on meanwhile and the copy is the database as it stood when the step
began. PostgreSQL: a REPEATABLE READ transaction exports its snapshot, `pg_dump --snapshot`
dumps exactly that snapshot, and the row counts, chain heads and evidence list are read in the
same transaction, so the manifest describes the dump and not the database a moment later.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.db import connection, connections

from dangjian.backup.manifest import BackupError
from dangjian.evidence.models import Attachment
from dangjian.trail.models import ChainHead

# What `migrate` itself fills: a database holding rows only here holds no data yet.
MIGRATE_FILLS = frozenset({"django_migrations", "django_content_type", "auth_permission"})


class _Cursor(Protocol):
    def execute(self, sql: str) -> Any: ...
    def fetchall(self) -> list[Any]: ...


@dataclass
class Snapshot:
    """The dumped database and what was read from the same snapshot."""

    path: Path
    tables: dict[str, int]
    heads: dict[str, dict[str, Any]]
    migrations: list[str]
    evidence: list[dict[str, Any]]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _figures(cur: _Cursor, tables: list[str]) -> dict[str, Any]:
    counts = {}
    for t in sorted(tables):
        cur.execute(f"SELECT COUNT(*) FROM {_q(t)}")
        counts[t] = int(cur.fetchall()[0][0])
    cur.execute(f"SELECT chain, seq, digest FROM {_q(ChainHead._meta.db_table)}")
    heads = {c: {"seq": int(s), "digest": d} for c, s, d in cur.fetchall()}
    cur.execute("SELECT app, name FROM django_migrations")
    migrations = sorted(f"{a}.{n}" for a, n in cur.fetchall())
    cur.execute(f"SELECT id, file, sm3, size FROM {_q(Attachment._meta.db_table)} ORDER BY id")
    evidence = [{"id": int(i), "path": f, "sm3": s, "size": int(n)}
                for i, f, s, n in cur.fetchall()]
    return {"tables": counts, "heads": heads, "migrations": migrations, "evidence": evidence}


def _sqlite_tables(cur: _Cursor) -> list[str]:
    cur.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [r[0] for r in cur.fetchall()]


def _pg_tables(cur: _Cursor) -> list[str]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return [r[0] for r in cur.fetchall()]


def pg_env() -> dict[str, str]:
    """The configured database for pg_dump/pg_restore, through libpq's variables (a password
    never appears on a command line)."""
    s = connection.settings_dict
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                     ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        if s.get(key):
            env[var] = str(s[key])
    return env


def _run(args: list[str], what: str) -> None:
    try:
        done = subprocess.run(args, env=pg_env(), capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {args[0]}：请安装与数据库版本相同的 PostgreSQL 客户端") from exc
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()[-2000:]}")


def _sqlite_snapshot(into: Path) -> Snapshot:
    name = str(connection.settings_dict["NAME"])
    with closing(sqlite3.connect(name, timeout=20)) as src, \
            closing(sqlite3.connect(into)) as dst:
        src.backup(dst)  # all pages in one step: one read transaction, one moment
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        cur = dst.cursor()
        figures = _figures(cur, _sqlite_tables(cur))
    return Snapshot(path=into, **figures)


def _pg_snapshot(into: Path) -> Snapshot:
    import psycopg

    env = pg_env()
    with psycopg.connect(dbname=env.get("PGDATABASE", ""), host=env.get("PGHOST"),
                         port=env.get("PGPORT"), user=env.get("PGUSER"),
                         password=env.get("PGPASSWORD")) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_export_snapshot()")
            row = cur.fetchone()
            assert row is not None
            _run(["pg_dump", "--format=custom", f"--snapshot={row[0]}", f"--file={into}"],
                 "pg_dump 导出数据库")
            figures = _figures(cur, _pg_tables(cur))
        conn.rollback()
    return Snapshot(path=into, **figures)


def database_snapshot(into: Path) -> Snapshot:
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(into)
    if connection.vendor == "postgresql":
        return _pg_snapshot(into)
    raise BackupError(f"不支持备份 {connection.vendor} 数据库")


def dump_name(vendor: str) -> str:
    return "database/dangjian.sqlite3" if vendor == "sqlite" else "database/dangjian.pgdump"


@contextmanager
def _cursor() -> Iterator[Any]:
    with connection.cursor() as cur:
        yield cur


def table_counts() -> dict[str, int]:
    """Every table's row count in the configured database as it is now."""
    tables = connection.introspection.table_names()
    with _cursor() as cur:
        out = {}
        for t in sorted(tables):
            cur.execute(f"SELECT COUNT(*) FROM {_q(t)}")
            out[t] = int(cur.fetchone()[0])
    return out


def database_holds_data() -> list[str]:
    """The tables holding rows beyond what `migrate` writes (empty: nothing to lose)."""
    return [t for t, n in table_counts().items() if n and t not in MIGRATE_FILLS]


def _sqlite_restore(dump: Path) -> None:
    with closing(sqlite3.connect(dump)) as src:
        check = src.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            raise BackupError(f"归档中的数据库文件未通过完整性检查：{check[:3]}")
        name = str(connection.settings_dict["NAME"])
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        # The backup API in reverse: every page replaced under SQLite's own locks, so an open
        # connection never sees half a file (a rename under it would leave it on the old one).
        with closing(sqlite3.connect(name, timeout=20)) as dst:
            src.backup(dst)


def _pg_restore(dump: Path) -> None:
    # One transaction: a failure leaves the database as it was. --clean drops what the dump
    # creates, so a database already migrated (or holding data, with --force) takes it too.
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={pg_env()['PGDATABASE']}",
          str(dump)], "pg_restore 恢复数据库")


def database_restore(dump: Path) -> None:
    connections.close_all()
    if connection.vendor == "sqlite":
        _sqlite_restore(dump)
    else:
        _pg_restore(dump)
    connections.close_all()
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the restored ids, not the ones read before
