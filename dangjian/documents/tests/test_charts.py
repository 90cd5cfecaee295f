"""Server-side charts must draw Chinese, not boxes (R1.5)."""

from __future__ import annotations

import io

import pytest

from dangjian.documents.charts import bar_chart_png, cjk_font_path


@pytest.mark.req("R1.5", "X.2")
def test_a_cjk_font_is_found_and_draws_real_glyphs():
    from PIL import ImageFont

    path = cjk_font_path()
    assert path, "no CJK font: install fonts-noto-cjk (the CI script does)"
    font = ImageFont.truetype(path, 32)
    masks = {ch: bytes(font.getmask(ch)) for ch in "好较一般差"}
    # A font without the glyphs draws the same empty box for every character.
    assert len(set(masks.values())) == 5 and all(any(m) for m in masks.values())


@pytest.mark.req("R1.5")
def test_bar_chart_png():
    from PIL import Image

    data = bar_chart_png("考核等次分布", [("好", 3), ("较好", 5), ("一般", 1), ("差", 0)],
                         unit="个")
    assert data is not None and data.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(data))
    assert image.size == (1200, 700)
    # The first bar (好, red) is drawn; the last (差, 0) is not.
    colors = {c for _, c in image.getcolors(maxcolors=100000)}
    assert (0xB7, 0x1C, 0x1C) in colors


def test_no_bars_no_chart():
    assert bar_chart_png("空", []) is None
