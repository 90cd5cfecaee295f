"""The pages a county puts on paper print as A4 documents: printed from a real browser, each
page keeps its content and loses the site's chrome (top bar, menu, toolbars, buttons, the forms
that act on the page and the folded entry forms), and
nothing runs past the paper's width. The PDFs and their first pages as PNG are kept in the
test artifacts to be looked at."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from dangjian.testing import PASSWORD, build_county

A4_WIDTH_MM, MARGINS_MM = 210, 2 * 14  # @page in app.css
PX_PER_MM = 96 / 25.4


def _pages(county: Any) -> list[tuple[str, str, str]]:
    """(name, address, a text the printed page must hold) for each page with a print button."""
    objects = county.objects()
    report = objects["dr_report_own"]
    assessment = objects["assessment_own"]
    rlist = objects["rlist_own"]
    return [
        ("report", reverse("duty_review:report_detail", args=[report.pk]),
         report.assignment.reporter.name),
        ("assessment", reverse("assessment:dept", args=[assessment.pk]), assessment.unit.name),
        ("ledger", reverse("responsibility:list_detail", args=[rlist.pk]), rlist.body.name),
        ("posts", reverse("org:post_list"), county.depts[0].people[0].name),
    ]


@pytest.mark.browser
@pytest.mark.req("R0.3")
@pytest.mark.req("R1.5")
@pytest.mark.req("R2.4")
@pytest.mark.req("R3.3")
def test_printed_pages_are_a4_with_content_and_without_the_sites_chrome(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path
) -> None:
    county = build_county()
    pages = _pages(county)
    ctx = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", county.user("wc_admin").username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    printable = (A4_WIDTH_MM - MARGINS_MM) * PX_PER_MM
    for name, path, must_hold in pages:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("[data-print]").count() >= 1, f"{path} offers no print button"
        page.emulate_media(media="print")
        page.set_viewport_size({"width": int(printable), "height": 1000})
        for chrome in (".topbar", ".sidebar", ".toolbar", "[data-print]", "form.card[method=post]",
                       "details:not([open])", ".btn"):
            shown = page.locator(chrome).evaluate_all(
                "els => els.filter(e => e.offsetParent !== null).length")
            assert shown == 0, f"{path}: {chrome} is printed"
        width = page.evaluate("document.querySelector('main.content').scrollWidth")
        assert width <= printable + 1, f"{path} prints {width}px wide on A4 ({printable:.0f}px)"
        pdf = artifacts / f"print-{name}.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=False)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert must_hold in text, f"{path}: the printed page lacks {must_hold!r}"
        assert "我的待办" not in text and "退出" not in text  # the menu and the top bar
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                        str(artifacts / f"print-{name}")], check=True)
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1366, "height": 768})
    ctx.close()
