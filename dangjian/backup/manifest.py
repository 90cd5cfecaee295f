"""The archive's manifest: what a backup holds (format, moment, database vendor, program version
and migrations, per-table row counts, chain heads, evidence files with their SM3) and each
member's size and SHA-256, signed with an HMAC keyed by SECRET_KEY, so that a changed byte, a
missing or added member, or a manifest rewritten to match a changed member is refused."""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

FORMAT = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
_SALT = "dangjian.backup.manifest"


class BackupError(Exception):
    """A backup or restore refused or failed, with the reason in Chinese."""


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1).encode()


def manifest_sign(data: bytes) -> str:
    return salted_hmac(_SALT, data, algorithm="sha256").hexdigest()


def manifest_signature_ok(data: bytes, signature: str) -> bool:
    """Signed with SECRET_KEY or one of its fallbacks (a key rotated since the backup)."""
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        expected = salted_hmac(_SALT, data, secret=secret, algorithm="sha256").hexdigest()
        if hmac.compare_digest(expected, signature.strip()):
            return True
    return False


def manifest_load(data: bytes, signature: str) -> dict[str, Any]:
    if not manifest_signature_ok(data, signature):
        raise BackupError("清单签名不符：归档被改动过，或本机的 SECRET_KEY 与备份时不同"
                          "（恢复须使用备份时的密钥）")
    try:
        manifest: dict[str, Any] = json.loads(data)
    except ValueError as exc:
        raise BackupError("清单无法读取") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"归档格式版本 {manifest.get('format')} 不受支持（本程序支持 {FORMAT}）")
    return manifest
