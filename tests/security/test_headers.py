"""Security headers: a Content-Security-Policy with no inline script on every page, and
Cache-Control: no-store on what a login stands in front of (pages, API answers, downloads),
not on static files or the public login page.

Every GET route of the scope matrix is requested as a role the matrix allows; each answer
carries the policy, and each HTML answer holds no inline <script>, no on…= event handler and no
javascript: URL (the policy would block them, so a page depending on one would break).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from dangjian.org.models import Role
from tests.test_scope_matrix import ENTRIES, _request, _url

POLICY = settings.CONTENT_SECURITY_POLICY
GETS = [e for e in ENTRIES if e.get("method", "GET").upper() == "GET" and e["allow"]]
ROLE_USERS = {"wc_admin": Role.WORK_COMMITTEE_ADMIN}


class InlineScripts(HTMLParser):
    """What a script-src 'self' policy without 'unsafe-inline' refuses to run."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if value and name in {"href", "src", "action", "formaction"} and re.match(
                    r"\s*javascript:", value, re.I):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=…>")
        if tag == "script":
            data_only = (values.get("type") or "").lower() in {"application/json",
                                                                "application/ld+json"}
            self._in_script = not values.get("src") and not data_only

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}…")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def inline_scripts(html: str) -> list[str]:
    parser = InlineScripts()
    parser.feed(html)
    return parser.found


def test_the_policy_allows_no_inline_script_or_eval():
    directives = dict(d.strip().split(" ", 1) for d in POLICY.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in POLICY
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_the_parser_finds_what_the_policy_blocks():
    assert inline_scripts('<script>alert(1)</script><p onclick="x()">') == [
        "<script>alert(1)…", "<p onclick=…>"]
    assert inline_scripts('<a href=" javascript:x()">') != []
    assert inline_scripts('<script src="/static/a.js"></script>'
                          '<script type="application/json">{"a": 1}</script>') == []


def _policy_holds(csp: str) -> bool:
    """The site's policy, or a stricter one of a response's own: nothing loads by default and
    no script at all (an uploaded image shown inline)."""
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    return csp == POLICY or (directives.get("default-src") == "'none'"
                             and "script-src" not in directives)


@pytest.mark.req("R0.4")
def test_every_page_has_the_policy_and_no_inline_script(county, client):
    objects = county.objects()
    checked, html_pages, problems = 0, 0, []
    for entry in GETS:
        role = "wc_admin" if "wc_admin" in entry["allow"] else entry["allow"][0]
        client.force_login(county.user(role))
        url = _url(entry, objects)
        response = _request(client, entry, url, objects)
        checked += 1
        if not _policy_holds(response.get("Content-Security-Policy", "")):
            problems.append(f"{url}: no Content-Security-Policy")
        if response.get("Content-Type", "").startswith("text/html"):
            html_pages += 1
            body = b"".join(response.streaming_content) if response.streaming else \
                response.content
            found = inline_scripts(body.decode())
            if found:
                problems.append(f"{url}: {found[:3]}")
        client.logout()
    public = [client.get(reverse("accounts:login")), client.get("/api/docs")]
    for response in public:
        assert response["Content-Security-Policy"] == POLICY
        assert inline_scripts(response.content.decode()) == []
    assert problems == []
    assert checked == len(GETS) and html_pages > 50, (checked, html_pages)


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.req("R0.4", "R0.6")
def test_pages_and_files_behind_the_login_are_not_stored(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    person = county.depts[0].people[0]
    attachment = county.objects()["attachment_own"]
    for url in (reverse("core:workbench"), reverse("org:person_detail", args=[person.pk]),
                reverse("evidence:download", args=[attachment.pk]),
                reverse("org:export", args=["people"]), "/api/people"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.get("Cache-Control"))
    static = client.get(settings.STATIC_URL + "dangjian/app.js")
    assert static.status_code == 200 and not _no_store(static)
    client.logout()
    login_page = client.get(reverse("accounts:login"))
    assert login_page.status_code == 200
    static = client.get(settings.STATIC_URL + "dangjian/app.css")
    assert static.status_code == 200 and not _no_store(static)
