"""Data files are for their owner only: a home made by the real command, an older home with
open modes, and the files uploads leave behind (no read or write for group or others)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

EXE = Path(sys.executable).with_name("dangjian")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _demo_run(home: Path, *args: str) -> None:
    drop = {"DATABASE_URL", "SECRET_KEY", "BALLOT_CODE_KEY", "DATA_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(DANGJIAN_HOME=str(home), DANGJIAN_DEMO="1")
    result = subprocess.run([str(EXE), *args], env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr


def test_a_fresh_home_is_its_owners_only(tmp_path: Path) -> None:
    home = tmp_path / "新的家目录"
    _demo_run(home, "migrate", "--noinput")
    made = {p.name: _mode(p) for p in (home, *home.rglob("*"))}
    assert made[home.name] == 0o700
    for name in ("dangjian.sqlite3", "secret_key", "ballot_code_key", "data_key"):
        assert made[name] == 0o600, name
    assert {n: m for n, m in made.items() if m & 0o077} == {}


def test_an_older_home_with_open_modes_is_closed(tmp_path: Path) -> None:
    home = tmp_path / "old"
    _demo_run(home, "migrate", "--noinput")
    home.chmod(0o755)
    for p in home.iterdir():
        p.chmod(0o755 if p.is_dir() else 0o644)
    _demo_run(home, "check")
    assert _mode(home) == 0o700
    assert {p.name: _mode(p) for p in home.iterdir() if _mode(p) & 0o077} == {}


def test_uploaded_files_and_their_folders_are_the_owners_only(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "files"
    name = default_storage.save("evidence/2026/12/佐证.txt", ContentFile(b"x"))
    path = Path(default_storage.path(name))
    assert _mode(path) == 0o600
    assert {_mode(d) for d in (path.parent, path.parent.parent, path.parent.parent.parent)} == {
        0o700}
