"""Test helpers for generated documents."""

from __future__ import annotations

import io
import zipfile


def zip_members(content: bytes) -> dict[str, bytes]:
    """A .docx/.xlsx file as what it holds: each member's name and contents.

    Two downloads of the same document are compared this way, not byte for byte: openpyxl
    writes each sheet through a temporary file and the zip stamps the member with that file's
    time on disk, which a frozen test clock does not reach, so the same workbook written a
    second apart can differ in a time stamp and in nothing else.
    """
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
