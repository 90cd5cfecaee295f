"""`backup_create` writes one archive of the database, the evidence files and the trail
witness; `backup_restore` checks an archive whole, then restores it and runs `restore_check`.
Keys are not in an archive: they come from the environment and are kept apart from it."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from dangjian.backup.archive import archive_create, archive_unpack
from dangjian.backup.check import Check, restore_check
from dangjian.backup.database import (
    database_holds_data,
    database_restore,
    database_snapshot,
    dump_name,
)
from dangjian.backup.manifest import FORMAT, MANIFEST, SIGNATURE, BackupError, manifest_bytes
from dangjian.backup.manifest import manifest_sign as _sign
from dangjian.backup.paths import backup_dir, witness_path

WITNESS = "witness/trail-witness.log"


def _app_version() -> str:
    try:
        return importlib.metadata.version("dangjian")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _archive_path(output: Path | None) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S-%f")
    name = f"dangjian-backup-{stamp}.tar"
    if output is None:
        output = backup_dir()
        output.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = output / name if output.is_dir() else output
    media = Path(settings.MEDIA_ROOT).resolve()
    if path.resolve().is_relative_to(media):  # it would be walked into itself
        raise BackupError(f"归档不能写在文件目录 {media} 之内")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    problems: list[str] = field(default_factory=list)  # evidence files missing or altered


def _media_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    out = []
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            if p.is_file() and not p.is_symlink():
                out.append((p.relative_to(root).as_posix(), p))
    return sorted(out)


def backup_create(*, output: Path | None = None) -> BackupResult:
    """The witness is copied first, the database next, the files last: whatever the witness
    names, the database holds; whatever a database row names was written to disk before that
    row committed, so it is among the files. The app may go on writing throughout."""
    path = _archive_path(output)
    vendor = connection.vendor
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".backup-") as tmp, \
            archive_create(path) as writer:
        witness = witness_path()
        witness_copy = Path(tmp) / "witness"
        if witness.is_file():
            shutil.copyfile(witness, witness_copy)
        snap = database_snapshot(Path(tmp) / "db")
        writer.add_file(dump_name(vendor), snap.path)
        if witness_copy.exists():
            writer.add_file(WITNESS, witness_copy)
        sm3_of: dict[str, str] = {}
        for rel, p in _media_files():
            try:
                sm3_of[rel] = writer.add_file(f"files/{rel}", p)["sm3"]
            except FileNotFoundError:  # a job's upload deleted meanwhile: not evidence
                continue
        problems = [
            f"佐证文件（附件编号{e['id']}）{'缺失' if e['path'] not in sm3_of else '与SM3摘要不符'}"
            for e in snap.evidence if sm3_of.get(e["path"]) != e["sm3"]]
        manifest = {
            "format": FORMAT, "created_at": timezone.now().isoformat(),
            "app_version": _app_version(), "vendor": vendor,
            "migrations": snap.migrations, "tables": snap.tables, "chain_heads": snap.heads,
            "evidence": snap.evidence, "witness": WITNESS if witness_copy.exists() else None,
            "database": dump_name(vendor), "members": writer.members,
        }
        data = manifest_bytes(manifest)
        writer.add_bytes(MANIFEST, data)
        writer.add_bytes(SIGNATURE, _sign(data).encode())
    return BackupResult(path=path, manifest=manifest, problems=problems)


def backup_prune(*, keep: int, directory: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` archives in the directory; returns those deleted."""
    directory = directory or backup_dir()
    archives = sorted(directory.glob("dangjian-backup-*.tar"))
    doomed = archives[:-keep] if keep > 0 else []
    for p in doomed:
        p.unlink(missing_ok=True)
    return doomed


# -- restore ----------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    check: Check
    pending_migrations: list[str]
    set_aside: list[Path]


def _compatible(manifest: dict[str, Any]) -> list[str]:
    """Refuse an archive of another vendor or of a newer program; return pending migrations."""
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"归档来自 {manifest['vendor']} 数据库，当前配置的是 "
                          f"{connection.vendor}：请恢复到同类数据库")
    on_disk = {f"{a}.{n}" for a, n in MigrationLoader(None).disk_migrations}
    unknown = sorted(set(manifest["migrations"]) - on_disk)
    if unknown:
        raise BackupError(f"归档来自较新的程序版本（含本程序没有的迁移 {unknown[0]} 等"
                          f"{len(unknown)}个）：请用相同或更新的版本恢复")
    return sorted(on_disk - set(manifest["migrations"]))


def _set_aside(path: Path, stamp: str) -> Path | None:
    """Move what is there out of the way (never deleted: the operator decides)."""
    if not path.exists():
        return None
    if path.is_dir() and not any(path.iterdir()):
        path.rmdir()
        return None
    aside = path.with_name(f"{path.name}.before-restore-{stamp}")
    shutil.move(path, aside)
    return aside


def backup_restore(*, archive: Path, force: bool = False) -> RestoreResult:
    """Unpack and check the whole archive, refuse a database holding data unless `force`,
    then restore the database, the files and the witness, and check the result."""
    home = Path(settings.HOME)
    staging = Path(tempfile.mkdtemp(dir=home, prefix=".restore-"))
    try:
        manifest = archive_unpack(archive, staging)
        pending = _compatible(manifest)
        holding = database_holds_data()
        if holding and not force:
            raise BackupError(f"当前数据库中已有数据（{len(holding)}张表有记录，如 {holding[0]}），"
                              "未恢复。确需以归档覆盖，请加 --force")
        database_restore(staging / manifest["database"])
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        media = Path(settings.MEDIA_ROOT)
        aside = [p for p in [_set_aside(media, stamp)] if p]
        staged_files = staging / "files"
        staged_files.mkdir(exist_ok=True)
        media.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(staged_files, media)
        if manifest.get("witness"):
            witness = witness_path()
            aside += [p for p in [_set_aside(witness, stamp)] if p]
            witness.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staging / manifest["witness"], witness)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(manifest=manifest, check=restore_check(manifest),
                         pending_migrations=pending, set_aside=aside)
