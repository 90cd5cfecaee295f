"""A branch secretary creates an API token in a real browser, a script uses it, the page shows
the use, and the secretary revokes it (X.3)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from dangjian.accounts.models import ApiToken
from dangjian.testing import PASSWORD, build_county


def _call(url: str, secret: str) -> tuple[int, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.browser
@pytest.mark.req("X.3")
def test_secretary_creates_uses_and_revokes_a_token_in_the_browser(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    build_county()
    for name, viewport in (("desktop", {"width": 1366, "height": 768}),
                           ("phone", {"width": 390, "height": 844})):
        page = chromium.new_page(viewport=viewport, locale="zh-CN")
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/tokens/")
        if page.locator("#id_username").count():
            page.fill("#id_username", "t_org_secretary")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
        expect(page.locator("h1")).to_have_text("API 令牌")
        page.screenshot(path=str(artifacts / f"tokens-empty-{name}.png"), full_page=True)

        # Create one (htmx swaps the page in place): the secret is shown once.
        page.fill("#id_name", f"报表脚本（{name}）")
        page.get_by_role("button", name="创建令牌").click()
        secret_box = page.locator("#token-secret")
        expect(secret_box).to_be_visible()
        secret = secret_box.inner_text().strip()
        assert secret.startswith("djt_")
        page.screenshot(path=str(artifacts / f"tokens-created-{name}.png"), full_page=True)

        # A script uses it: its requests appear on the page.
        status, me = _call(f"{live_server.url}/api/me", secret)
        assert (status, me["username"]) == (200, "t_org_secretary")
        status, _ = _call(f"{live_server.url}/api/people/999999", secret)
        assert status == 404
        page.reload()
        expect(page.locator("#token-secret")).to_have_count(0)  # never shown again
        uses = page.locator("table.uses tbody")
        expect(uses).to_contain_text("GET /api/me")
        expect(uses).to_contain_text("404 拒绝")
        page.screenshot(path=str(artifacts / f"tokens-used-{name}.png"), full_page=True)

        # Revoke it (after confirming): the script is refused from now on.
        page.once("dialog", lambda dialog: dialog.accept())
        row = page.locator("table.tokens tbody tr", has_text=f"报表脚本（{name}）")
        row.get_by_role("button", name="撤销").click()
        expect(page.locator(".messages")).to_contain_text("已撤销令牌")
        expect(row).to_contain_text("撤销")
        status, refused = _call(f"{live_server.url}/api/me", secret)
        assert (status, refused["detail"]) == (401, "API 令牌已撤销")
        page.screenshot(path=str(artifacts / f"tokens-revoked-{name}.png"), full_page=True)
        page.close()
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 2
