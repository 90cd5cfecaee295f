"""The archive: one uncompressed tar, created mode 0600, its members hashed as they are written
and listed in the manifest; read back member by member into a staging directory, each checked
against the manifest before anything of the running system is touched."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, Any

from dangjian.backup.manifest import MANIFEST, SIGNATURE, BackupError, manifest_load

CHUNK = 1 << 20


class _Hashing:
    """A file read through once: SHA-256 and SM3 of what was read."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.sha256 = hashlib.sha256()
        self.sm3 = hashlib.new("sm3")

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha256.update(data)
        self.sm3.update(data)
        return data


def _info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    return info


class ArchiveWriter:
    """Members added one by one; `members` holds each one's size and digests."""

    def __init__(self, tar: tarfile.TarFile) -> None:
        self.tar = tar
        self.members: dict[str, dict[str, Any]] = {}

    def add_file(self, name: str, path: Path) -> dict[str, Any]:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            hashing = _Hashing(fh)
            self.tar.addfile(_info(name, size), hashing)
        entry = {"size": size, "sha256": hashing.sha256.hexdigest(),
                 "sm3": hashing.sm3.hexdigest()}
        self.members[name] = entry
        return entry

    def add_bytes(self, name: str, data: bytes) -> None:
        self.tar.addfile(_info(name, len(data)), io.BytesIO(data))


@contextmanager
def archive_create(path: Path) -> Iterator[ArchiveWriter]:
    """Written to `<name>.partial` (mode 0600, never an existing file) and renamed once
    complete, so an interrupted backup never leaves an archive that looks whole."""
    if path.exists():
        raise BackupError(f"文件已存在，未覆盖：{path}")
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh, tarfile.open(fileobj=fh, mode="w:",
                                                     format=tarfile.PAX_FORMAT) as tar:
            yield ArchiveWriter(tar)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _safe(name: str) -> bool:
    p = PurePosixPath(name)
    return (bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name
            and p.parts[0] in {"database", "files", "witness"})


def _read_member(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        fh = tar.extractfile(name)
    except KeyError:
        fh = None
    if fh is None:
        raise BackupError(f"归档不完整：缺少 {name}")
    return fh.read()


def archive_unpack(path: Path, staging: Path) -> dict[str, Any]:
    """Every member written under `staging` and checked against the signed manifest: a
    changed byte, a missing, added or doubled member is refused (BackupError)."""
    try:
        with tarfile.open(path, mode="r:") as tar:
            manifest = manifest_load(_read_member(tar, MANIFEST),
                                     _read_member(tar, SIGNATURE).decode(errors="replace"))
            want: dict[str, dict[str, Any]] = manifest["members"]
            seen: set[str] = set()
            for member in tar:
                if member.name in (MANIFEST, SIGNATURE):
                    continue
                _unpack_one(tar, member, want, seen, staging)
    except tarfile.TarError as exc:
        raise BackupError(f"归档已损坏，无法读取：{exc}") from exc
    except OSError as exc:
        raise BackupError(f"归档无法读取：{exc}") from exc
    missing = sorted(set(want) - seen)
    if missing:
        raise BackupError(f"归档不完整：缺少{len(missing)}个成员（如 {missing[0]}）")
    return manifest


def _unpack_one(tar: tarfile.TarFile, member: tarfile.TarInfo, want: dict[str, dict[str, Any]],
                seen: set[str], staging: Path) -> None:
    name = member.name
    if not member.isfile() or not _safe(name) or name not in want or name in seen:
        raise BackupError(f"归档中有清单之外或重复的成员：{name}")
    seen.add(name)
    target = staging / name
    target.parent.mkdir(parents=True, exist_ok=True)
    fh = tar.extractfile(member)
    assert fh is not None
    digest = hashlib.sha256()
    with target.open("xb") as out:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != want[name]["sha256"] or member.size != want[name]["size"]:
        raise BackupError(f"归档已被改动或损坏：{name} 的摘要与清单不符")
