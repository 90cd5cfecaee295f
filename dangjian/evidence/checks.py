"""What an evidence file must be before it is stored: the one set of upload checks.

Every upload of evidence passes `evidence_check` (through `evidence_attach`). Callers that
take several files in one transaction call it first for each file, so that a bad file is
refused before anything is written. The type is judged by content; the name may only claim
the type the content shows, so a PDF named .jpg is not downloaded later as a photo.
"""

from __future__ import annotations

from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError

# What a county office attaches: photos, scans, office documents. MIME -> stored extension.
ALLOWED_TYPES: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}
ALLOWED_LABEL = "JPG、PNG、GIF、WEBP图片，PDF，Word（.docx）、Excel（.xlsx）、PowerPoint（.pptx）"

# Extensions a file's name may carry, by the type its content shows. JPEG has several in use
# (.jfif is what Windows browsers save web photos as).
EXTENSIONS: dict[str, frozenset[str]] = {
    mime: frozenset({ext}) for mime, ext in ALLOWED_TYPES.items()
} | {"image/jpeg": frozenset({"jpg", "jpeg", "jpe", "jfif"})}

# Extensions that name a file type. Only these count as the name claiming a type: a name such
# as "纪要2024.03" or "方案v1.2" has a dot but claims nothing, and is judged by content alone.
TYPE_EXTENSIONS: frozenset[str] = frozenset().union(*EXTENSIONS.values()) | frozenset({
    "doc", "xls", "ppt", "wps", "et", "dps", "ofd", "rtf", "txt", "csv", "odt", "ods", "odp",
    "bmp", "tif", "tiff", "heic", "heif", "svg", "zip", "rar", "7z", "gz", "exe", "bat", "cmd",
    "js", "html", "htm", "mp3", "mp4", "avi", "mov", "wmv",
})


def sniff_mime(data: bytes) -> str | None:
    kind = filetype.guess(data)
    return kind.mime if kind else None


def base_name(name: str) -> str:
    """The file's own name, without any folders a browser or an attacker put before it."""
    return PurePath(name.replace("\\", "/")).name


def evidence_check(name: str, data: bytes) -> str:
    """Refuse an empty or oversized file, a type not allowed, or a name whose extension claims
    another type than the content; return the content's MIME type. Messages name the file, as
    a form may carry several."""
    own = base_name(name)
    label = f"“{own}”" if own else "该文件"
    if not data:
        raise ValidationError(f"{label}是空文件，请重新选择")
    if len(data) > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"{label}超过大小上限（{limit}MB）")
    mime = sniff_mime(data)
    if mime not in ALLOWED_TYPES:
        raise ValidationError(f"{label}的内容不是允许的类型。允许：{ALLOWED_LABEL}")
    ext = PurePath(own).suffix.lower().lstrip(".")
    if ext in TYPE_EXTENSIONS and ext not in EXTENSIONS[mime]:
        raise ValidationError(
            f"{label}的扩展名为.{ext}，但文件内容是{ALLOWED_TYPES[mime].upper()}，与名称不符"
        )
    return mime
