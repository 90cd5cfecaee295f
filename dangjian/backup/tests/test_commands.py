"""The commands' own refusals: an archive that would be written inside the files directory (it
would be read into itself), an existing file (never overwritten), a missing archive."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def test_an_archive_inside_the_files_directory_is_refused(db: None, settings: Any) -> None:
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True)
    with pytest.raises(CommandError, match="不能写在文件目录"):
        call_command("backup", "--output", str(media / "sub" / "b.tar"), stdout=io.StringIO())
    assert list(media.rglob("*")) == []


def test_an_existing_file_is_not_overwritten(db: None, tmp_path: Path) -> None:
    kept = tmp_path / "b.tar"
    kept.write_bytes(b"earlier")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", "--output", str(kept), stdout=io.StringIO())
    assert kept.read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar"]


def test_a_missing_archive_is_named(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到归档"):
        call_command("restore", str(tmp_path / "none.tar"), stdout=io.StringIO())


def test_the_backup_says_the_keys_are_kept_apart(db: None, tmp_path: Path,
                                                 settings: Any) -> None:
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path / "nested" / "b.tar"), stdout=out)
    assert (tmp_path / "nested").stat().st_mode & 0o777 == 0o700
    assert "不在备份中" in out.getvalue()
    for name in settings.KEYS:
        assert name in out.getvalue()
