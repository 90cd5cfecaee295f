"""The daily backup job (BACKUP_DAILY=1): submitted by the worker's daily round, run by the
real runner, it writes an archive (mode 0600) to BACKUP_DIR and keeps the newest BACKUP_KEEP."""

from __future__ import annotations

import datetime as dt
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dangjian.backup import jobs
from dangjian.jobs import registry
from dangjian.jobs.models import Job, JobState
from dangjian.jobs.services import daily_submit
from dangjian.jobs.testing import run_jobs


@pytest.fixture
def daily_backup(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEEP = 2
    jobs.register()
    yield settings.BACKUP_DIR
    registry._KINDS.pop(jobs.KIND, None)


def test_daily_backups_keep_the_newest_n(db: None, daily_backup: Path) -> None:
    for day in (1, 2, 3):
        daily_submit(day=dt.date(2026, 12, day))
        run_jobs()
    done = Job.objects.filter(kind=jobs.KIND).order_by("pk")
    assert [j.state for j in done] == [JobState.DONE] * 3, [j.error for j in done]
    archives = sorted(daily_backup.glob("dangjian-backup-*.tar"))
    assert [p.name for p in archives] == [done[1].result["archive"], done[2].result["archive"]]
    assert [j.result["deleted"] for j in done] == [[], [], [done[0].result["archive"]]]
    for p in archives:
        assert p.stat().st_mode & 0o777 == 0o600
        with tarfile.open(p) as tar:
            assert {"manifest.json", "manifest.sig"} <= set(tar.getnames())
    assert daily_backup.stat().st_mode & 0o777 == 0o700


def test_without_the_setting_no_daily_backup_is_submitted(db: None) -> None:
    daily_submit(day=dt.date(2026, 12, 1))
    assert not Job.objects.filter(kind=jobs.KIND).exists()
