"""Backup and restore: `dangjian backup` taken while the app writes, restored by `dangjian
restore` into an empty database and an empty files directory, gives back every row, an intact
trail and the same evidence bytes through the download view; a tampered archive and a database
already holding data (without --force) are refused and nothing changes.

Every command runs as a real `dangjian` process. The restore goes to a database of its own
(SQLite: a new file; PostgreSQL: a scratch database created here), never the test database."""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from PIL import Image

from dangjian.evidence.models import Attachment
from dangjian.evidence.services import evidence_attach
from dangjian.jobs.testing import database_url, worker_env
from dangjian.org.models import Role
from dangjian.org.services.people import person_update
from dangjian.testing import build_county
from dangjian.trail.checkpoints import checkpoint_take
from dangjian.trail.models import TrailEntry
from dangjian.trail.services import chain_names

pytestmark = [pytest.mark.real_clock, pytest.mark.req("R0.6", "R0.7")]


def _image(fmt: str, size: tuple[int, int], seed: int) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 40 + seed).convert("RGB").save(out, format=fmt)
    return out.getvalue()


@dataclass
class Target:
    """Where a restore goes: a home directory and a database of its own."""

    home: Path
    url: str

    def env(self) -> dict[str, str]:
        env = worker_env(self.home)
        env.update(DATABASE_URL=self.url, ALLOWED_HOSTS="testserver",
                   **{name: getattr(django_settings, name) for name in django_settings.KEYS})
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "dangjian.runner", *args], env=self.env(),
                              capture_output=True, text=True, timeout=300, check=False)

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite"):
            path = Path(urlsplit(self.url).path)
            if not path.exists():
                return []
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql).fetchall()

    def tables(self) -> list[str]:
        if self.url.startswith("sqlite"):
            sql = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        else:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        return sorted(r[0] for r in self._rows(sql))

    def counts(self) -> dict[str, int]:
        return {t: self._rows(f'SELECT COUNT(*) FROM "{t}"')[0][0] for t in self.tables()}

    def entries(self) -> list[tuple[str, int, str]]:
        return sorted(self._rows("SELECT chain, seq, digest FROM trail_trailentry"))

    def files(self) -> dict[str, str]:
        root = self.home / "files"
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    def state(self) -> tuple[Any, ...]:
        witness = self.home / "trail-witness.log"
        return (self.counts(), self.entries(), self.files(),
                witness.read_bytes() if witness.exists() else None)

    def downloads(self, username: str) -> dict[int, tuple[int, str]]:
        """Each attachment downloaded through the restored instance's own view."""
        code = (
            "import hashlib, json\n"
            "from django.test import Client\n"
            "from django.urls import reverse\n"
            "from dangjian.accounts.models import User\n"
            "from dangjian.evidence.models import Attachment\n"
            "c = Client()\n"
            f"c.force_login(User.objects.get(username={username!r}))\n"
            "out = {}\n"
            "for a in Attachment.objects.all():\n"
            "    r = c.get(reverse('evidence:download', args=[a.pk]))\n"
            "    body = b''.join(r.streaming_content) if r.status_code == 200 else b''\n"
            "    out[a.pk] = [r.status_code, hashlib.sha256(body).hexdigest()]\n"
            "print(json.dumps(out))\n")
        done = self.run("shell", "-c", code)
        assert done.returncode == 0, done.stderr
        return {int(k): (v[0], v[1]) for k, v in json.loads(done.stdout.splitlines()[-1]).items()}


@pytest.fixture
def home(tmp_path: Path, settings: Any) -> Path:
    """The system's home as its processes see it: files under home/files, the witness beside."""
    home = tmp_path / "home"
    home.mkdir()
    settings.MEDIA_ROOT = home / "files"
    settings.TRAIL_WITNESS_PATH = home / "trail-witness.log"
    return home


@pytest.fixture
def source(home: Path) -> Target:
    return Target(home, database_url())


@pytest.fixture
def target(tmp_path: Path, transactional_db: None) -> Iterator[Target]:
    """An empty home and an empty database (PostgreSQL: a scratch database, dropped after)."""
    home = tmp_path / "restored"
    home.mkdir()
    if connection.vendor == "sqlite":
        yield Target(home, f"sqlite:///{home / 'dangjian.sqlite3'}")
        return
    import psycopg

    name = f"dj_backup_restore_{secrets.token_hex(4)}"
    parts = urlsplit(database_url())
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Target(home, urlunsplit(parts._replace(path=f"/{name}")))
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Built:
    county: Any
    uploads: dict[int, str]  # attachment id -> SHA-256 of the bytes uploaded
    secretary: str


def _build(home: Path, client: Any) -> Built:
    """People, a trail of changes, evidence through the upload page and the service, and a
    witness file, all through the real code."""
    county = build_county()
    secretary = county.user(Role.ORG_SECRETARY)
    people = county.depts[0].people
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    for i, person in enumerate(people):
        person_update(actor=admin, person=person, phone=f"1380000{i:04d}")
    client.force_login(secretary)
    uploads: dict[int, str] = {}
    for i, (fmt, name) in enumerate([("JPEG", "会议照片.jpg"), ("PNG", "签到表.png"),
                                     ("PDF", "学习记录.pdf")]):
        data = _image(fmt, (400, 300), i)
        response = client.post(reverse("evidence:upload", args=["person", people[i].pk]),
                               {"file": SimpleUploadedFile(name, data), "next": "/"})
        assert response.status_code == 302, response.content[:300]
        uploads[Attachment.objects.latest("pk").pk] = hashlib.sha256(data).hexdigest()
    big = _image("PNG", (1200, 900), 9)  # a larger file: the archive takes a moment to write
    att = evidence_attach(actor=None, record=people[0], name="现场.png", data=big)
    uploads[att.pk] = hashlib.sha256(big).hexdigest()
    for chain in chain_names():  # signed checkpoints: rows and the witness file's lines
        checkpoint_take(chain=chain, note="备份前")
    assert (home / "trail-witness.log").exists()
    return Built(county, uploads, secretary.username)


def _manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        fh = tar.extractfile("manifest.json")
        assert fh is not None
        return json.loads(fh.read())


def test_round_trip_while_the_app_writes(home: Path, source: Target, target: Target,
                                         client: Any) -> None:
    built = _build(home, client)
    people = built.county.depts[1].people
    admin = built.county.user(Role.WORK_COMMITTEE_ADMIN)
    archive = home / "backup.tar"
    before = TrailEntry.objects.count()
    proc = subprocess.Popen([sys.executable, "-m", "dangjian.runner", "backup",
                             "--output", str(archive)], env=source.env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writes = 0
    while proc.poll() is None:  # the app goes on writing throughout the backup
        person_update(actor=admin, person=people[writes % len(people)],
                      phone=f"1390000{writes:04d}")
        writes += 1
    at_end = TrailEntry.objects.count()
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "备份完成" in out and "密钥" in out and "不在备份中" in out

    manifest = _manifest(archive)
    snapshot = manifest["tables"]["trail_trailentry"]
    # The snapshot fell between writes: some before it are in it, some after it are not.
    assert before < snapshot < at_end, (before, snapshot, at_end, writes)
    assert archive.stat().st_mode & 0o777 == 0o600
    raw = archive.read_bytes()
    for name in django_settings.KEYS:  # the keys are never in the archive
        assert getattr(django_settings, name).encode() not in raw

    # Restore into an empty database and an empty home.
    assert target.tables() == []
    done = target.run("restore", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "恢复完成，校验全部通过" in done.stdout
    assert f"{len(manifest['evidence'])}个，SM3摘要全部一致" in done.stdout

    # Checked here, independently of the command's own check.
    assert target.counts() == manifest["tables"]
    kept = {(c, s, d) for c, s, d in source.entries()
            if s <= manifest["chain_heads"].get(c, {}).get("seq", 0)}
    assert set(target.entries()) == kept and len(kept) == snapshot
    verify = target.run("verify-trail", "--files")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "全部校验通过" in verify.stdout
    assert target.downloads(built.secretary) == {pk: (200, digest)
                                                 for pk, digest in built.uploads.items()}
    assert (target.home / "trail-witness.log").read_bytes() == \
        (home / "trail-witness.log").read_bytes()
    print(f"\n{connection.vendor}: {writes} writes during the backup, snapshot at "
          f"{snapshot} trail entries (from {before} to {at_end}); "
          f"{len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows, "
          f"{len(manifest['evidence'])} evidence files restored")


def _rewrite(archive: Path, into: Path, change: Any) -> None:
    """A copy of the archive with `change(name, data) -> data | None` applied to each member
    (None drops it), written as a valid tar."""
    with tarfile.open(archive) as src, tarfile.open(into, "w:", format=tarfile.PAX_FORMAT) as dst:
        for member in src:
            fh = src.extractfile(member)
            assert fh is not None
            data = change(member.name, fh.read())
            if data is None:
                continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def _tamperings(archive: Path, manifest: dict[str, Any], tmp: Path) -> dict[str, Path]:
    db = manifest["database"]
    evidence = next(n for n in manifest["members"] if n.startswith("files/evidence/"))
    out: dict[str, Path] = {}

    flipped = tmp / "flipped-byte.tar"  # one byte of the database member, in place
    raw = bytearray(archive.read_bytes())
    with tarfile.open(archive) as tar:
        member = tar.getmember(db)
    raw[member.offset_data + member.size // 2] ^= 0x01
    flipped.write_bytes(bytes(raw))
    out["数据库中改动一个字节"] = flipped

    out["佐证文件改动一个字节"] = tmp / "evidence-byte.tar"
    _rewrite(archive, out["佐证文件改动一个字节"],
             lambda n, d: _flip(d, len(d) // 2) if n == evidence else d)
    out["缺少一个佐证文件"] = tmp / "missing.tar"
    _rewrite(archive, out["缺少一个佐证文件"], lambda n, d: None if n == evidence else d)
    out["多出一个文件"] = tmp / "extra.tar"
    _rewrite(archive, out["多出一个文件"], lambda n, d: d)
    with tarfile.open(out["多出一个文件"], "a:") as tar:
        tar.addfile(tarfile.TarInfo("files/evidence/extra.png"), io.BytesIO(b""))

    replaced: dict[str, bytes] = {}

    def forged(name: str, data: bytes) -> bytes:  # a file replaced and the manifest to match
        if name == evidence:  # the files come before the manifest, the last members
            replaced[name] = data + b"x"
            return replaced[name]
        if name == "manifest.json":
            m = json.loads(data)
            m["members"][evidence].update(size=len(replaced[evidence]),
                                          sha256=hashlib.sha256(replaced[evidence]).hexdigest())
            return json.dumps(m, ensure_ascii=False, sort_keys=True, indent=1).encode()
        return data

    out["文件与清单一并改写"] = tmp / "forged.tar"
    _rewrite(archive, out["文件与清单一并改写"], forged)
    out["截断"] = tmp / "truncated.tar"
    out["截断"].write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    return out


def _backup(archive: Path) -> None:
    out = io.StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert "备份完成" in out.getvalue()


def test_a_tampered_archive_is_refused_before_anything_is_written(
        home: Path, source: Target, target: Target, client: Any, tmp_path: Path) -> None:
    built = _build(home, client)
    archive = tmp_path / "backup.tar"
    _backup(archive)
    admin = built.county.user(Role.WORK_COMMITTEE_ADMIN)
    person_update(actor=admin, person=built.county.depts[1].people[0], phone="13700000000")
    state = source.state()  # the live system, now one change ahead of the archive
    refused = {}
    for what, bad in _tamperings(archive, _manifest(archive), tmp_path).items():
        # Into the live system, even with --force: refused before anything is overwritten.
        with pytest.raises(CommandError) as exc:
            call_command("restore", str(bad), "--force", stdout=io.StringIO())
        refused[what] = str(exc.value)
        assert "未恢复" in str(exc.value) and "已有数据" not in str(exc.value), what
        assert source.state() == state, what
    assert len(refused) == 6, refused
    # The untouched archive restores (into an empty database): the refusals were the
    # tampering's doing.
    done = target.run("restore", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    print("\n" + "\n".join(f"{k}: {v}" for k, v in refused.items()))


def test_a_database_holding_data_is_refused_without_force(
        home: Path, source: Target, target: Target, client: Any, tmp_path: Path) -> None:
    built = _build(home, client)
    first = tmp_path / "first.tar"
    _backup(first)
    done = target.run("restore", str(first))
    assert done.returncode == 0, done.stdout
    # Later work, then a second archive: restoring it would change the restored system.
    admin = built.county.user(Role.WORK_COMMITTEE_ADMIN)
    for i, person in enumerate(built.county.depts[1].people):
        person_update(actor=admin, person=person, phone=f"1370000{i:04d}")
    evidence_attach(actor=None, record=built.county.depts[1].people[0], name="补充.png",
                    data=_image("PNG", (64, 64), 3))
    second = tmp_path / "second.tar"
    _backup(second)

    state = target.state()
    done = target.run("restore", str(second))
    assert done.returncode != 0
    assert "已有数据" in done.stderr and "--force" in done.stderr
    assert target.state() == state  # rows, trail, files and witness all as they were

    forced = target.run("restore", str(second), "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "恢复完成，校验全部通过" in forced.stdout
    assert target.counts() == _manifest(second)["tables"] != state[0]
    assert any(p.name.startswith("files.before-restore-") for p in target.home.iterdir())
