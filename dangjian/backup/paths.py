"""Where a backup's parts live on this machine."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def witness_path() -> Path:
    """The trail's witness file (kept outside the database), if the system writes one."""
    return Path(getattr(settings, "TRAIL_WITNESS_PATH", settings.HOME / "trail-witness.log"))


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)
