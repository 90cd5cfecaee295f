"""Charts for documents, drawn on the server as PNG (Pillow) with a CJK font from the machine.

The font is found, not shipped: Noto Sans CJK (Debian's fonts-noto-cjk, installed by the CI
script and the deployment guide) or another CJK font named in settings.DOCUMENT_CHART_FONT.
Without Pillow or a CJK font `bar_chart_png` returns None and callers keep the table only, so
a document never shows boxes in place of Chinese.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from django.conf import settings

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
COLORS = ("#b71c1c", "#e57373", "#ffb74d", "#9e9e9e", "#cfd8dc")


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    configured = getattr(settings, "DOCUMENT_CHART_FONT", "")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    for pattern in ("*CJK*Regular*", "*CJK*-Regular*", "wqy*"):
        found = sorted(Path("/usr/share/fonts").rglob(pattern)) if Path(
            "/usr/share/fonts").is_dir() else []
        if found:
            return str(found[0])
    return None


def bar_chart_png(title: str, bars: Sequence[tuple[str, int | float]], unit: str = "",
                  width: int = 1200, height: int = 700) -> bytes | None:
    """A vertical bar chart with its value above each bar; None if it cannot draw Chinese."""
    path = cjk_font_path()
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        return None
    if path is None or not bars:
        return None
    big = ImageFont.truetype(path, 40)
    mid = ImageFont.truetype(path, 32)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((width / 2, 20), title, font=big, fill="#222222", anchor="ma")
    left, right, top, bottom = 90, width - 40, 110, height - 90
    draw.line((left, bottom, right, bottom), fill="#444444", width=3)
    draw.line((left, top, left, bottom), fill="#444444", width=3)
    peak = max((float(v) for _, v in bars), default=0) or 1
    slot = (right - left) / len(bars)
    bar_w = slot * 0.55
    for i, (label, value) in enumerate(bars):
        x0 = left + slot * i + (slot - bar_w) / 2
        h = (bottom - top - 50) * float(value) / peak
        draw.rectangle((x0, bottom - h, x0 + bar_w, bottom), fill=COLORS[i % len(COLORS)])
        shown = f"{value:g}{unit}" if isinstance(value, float) else f"{value}{unit}"
        draw.text((x0 + bar_w / 2, bottom - h - 8), shown, font=mid, fill="#222222",
                  anchor="md")
        draw.text((x0 + bar_w / 2, bottom + 14), label, font=mid, fill="#222222", anchor="ma")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
