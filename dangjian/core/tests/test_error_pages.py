"""Error pages: Chinese, in the site's layout, with the way back to the workbench."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import loader
from django.test import Client

from dangjian.org.models import Role

pytestmark = pytest.mark.urls("dangjian.core.tests.error_urls")

_ENGLISH = ("Not Found", "Server Error", "Bad Request", "Forbidden", "internal detail")


def _assert_page(response: Any, status: int, heading: str) -> None:
    html = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in html
    assert 'href="/"' in html and "返回工作台" in html
    assert "县直机关党建工作系统" in html  # the site's layout
    for word in _ENGLISH:
        assert word not in html


def test_missing_page_is_chinese_with_the_menu(county: Any, login: Any, settings: Any) -> None:
    settings.DEBUG = False
    client = login(county.user(Role.MEMBER))
    response = client.get("/no-such-page/")
    _assert_page(response, 404, "页面不存在")
    assert 'class="sidebar"' in response.content.decode()  # signed in: the menu is there


def test_bad_request_and_denied_are_chinese(county: Any, login: Any, settings: Any) -> None:
    settings.DEBUG = False
    client = login(county.user(Role.MEMBER))
    _assert_page(client.get("/__bad/"), 400, "请求有误")
    _assert_page(client.get("/__denied/"), 403, "无权访问")


def test_form_expired_is_chinese(county: Any, settings: Any) -> None:
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    _assert_page(client.post("/accounts/login/", {"username": "x"}), 403, "页面已过期")


def test_server_error_is_chinese_without_leaking_the_exception(
    county: Any, login: Any, settings: Any
) -> None:
    settings.DEBUG = False
    client = login(county.user(Role.MEMBER))
    client.raise_request_exception = False
    _assert_page(client.get("/__fails/"), 500, "系统出错")


def test_server_error_page_needs_no_database_and_no_request(settings: Any) -> None:
    # No `db` fixture: any query here raises (the database may be what failed).
    settings.DEBUG = False
    html = loader.get_template("500.html").render()
    assert "<h1>系统出错</h1>" in html and 'href="/"' in html and "返回工作台" in html
