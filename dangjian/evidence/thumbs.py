"""Thumbnails of image evidence, made once with Pillow and kept beside the files.

A thumbnail is named by the file's SM3 (the same photo attached twice has one thumbnail) and is
served only through the evidence views' scope gate, like the file itself.
"""

from __future__ import annotations

import functools
import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from dangjian.evidence.models import Attachment

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
SIZE = (320, 320)
Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs (an upload is ≤ the size limit)


def is_image(attachment: Attachment) -> bool:
    return attachment.mime in IMAGE_TYPES


def thumbnail_name(attachment: Attachment) -> str:
    return f"evidence/thumbs/{attachment.sm3}.jpg"


@functools.cache
def placeholder() -> bytes:
    """Shown for an image whose content cannot be decoded (the file itself still downloads)."""
    out = io.BytesIO()
    Image.new("RGB", (160, 120), (224, 224, 224)).save(out, "JPEG", quality=60)
    return out.getvalue()


def thumbnail(attachment: Attachment) -> bytes | None:
    """The JPEG thumbnail (made on first request, then read back); None if not an image, the
    placeholder if the image cannot be decoded."""
    if not is_image(attachment):
        return None
    storage, name = attachment.file.storage, thumbnail_name(attachment)
    if storage.exists(name):
        with storage.open(name, "rb") as f:
            return bytes(f.read())
    try:
        with attachment.file.open("rb") as f, Image.open(f) as image:
            image.seek(0)
            small = ImageOps.exif_transpose(image).convert("RGB")
            small.thumbnail(SIZE)
            out = io.BytesIO()
            small.save(out, "JPEG", quality=82)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        return placeholder()
    data = out.getvalue()
    if not storage.exists(name):
        storage.save(name, ContentFile(data))
    return data
