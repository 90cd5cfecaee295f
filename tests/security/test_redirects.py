"""Open redirect: `next=https://evil.example/` on the evidence upload and remove forms sent
the browser off-site. Every redirect taken from input (a form's `next`, the year switch's
Referer) now goes through one helper (dangjian.core.redirects) and only to a path on this
site; anything else falls back to the page's own default."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.core.redirects import same_site_path
from dangjian.evidence.models import Attachment
from dangjian.evidence.services import evidence_attach
from dangjian.org.models import Role
from dangjian.testing import TINY_PNG

OFF_SITE = [
    "https://evil.example/",
    "http://evil.example/login",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil.example/",
    "/\t/evil.example/",
    "/\r\n/evil.example/",
    "http://testserver@evil.example/",
    "https://evil.example/#http://testserver/",
]


def _location(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


def _same_site(location: str) -> bool:
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.req("R0.6")
def test_evidence_upload_never_redirects_off_site(county, login):
    person = county.depts[0].people[0]
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    url = reverse("evidence:upload", args=["person", person.pk])
    before = Attachment.objects.count()
    for target in OFF_SITE:
        response = client.post(url, {"next": target, "file": SimpleUploadedFile(
            "图.png", TINY_PNG, "image/png")})
        location = _location(response)
        assert _same_site(location) and "evil" not in location, (target, location)
    assert Attachment.objects.count() == before + len(OFF_SITE)  # the uploads still work


@pytest.mark.req("R0.6")
def test_evidence_remove_never_redirects_off_site(county, login):
    person = county.depts[0].people[0]
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    for target in OFF_SITE:
        attachment = evidence_attach(actor=None, record=person, name="图.png", data=TINY_PNG)
        response = client.post(reverse("evidence:remove", args=[attachment.pk]),
                               {"next": target})
        location = _location(response)
        assert _same_site(location) and "evil" not in location, (target, location)
        attachment.refresh_from_db()
        assert attachment.removed_at is not None


@pytest.mark.req("R0.6")
def test_a_same_site_next_is_kept(county, login):
    person = county.depts[0].people[0]
    page = reverse("org:person_detail", args=[person.pk]) + "?tab=files"
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    response = client.post(reverse("evidence:upload", args=["person", person.pk]),
                           {"next": page,
                            "file": SimpleUploadedFile("图.png", TINY_PNG, "image/png")})
    assert _location(response) == page


@pytest.mark.req("R0.5")
def test_year_switch_goes_back_only_to_this_site(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    for referer in OFF_SITE:
        response = client.post(reverse("core:year_switch"), {"year": "x"},
                               HTTP_REFERER=referer)
        location = _location(response)
        assert _same_site(location) and "evil" not in location, (referer, location)
    back = client.post(reverse("core:year_switch"), {"year": "x"},
                       HTTP_REFERER="http://testserver/org/people/?q=1")
    assert _location(back) == "/org/people/?q=1"


def test_the_helper_refuses_every_off_site_form(rf):
    request = rf.get("/")
    assert [t for t in OFF_SITE if same_site_path(t, request) is not None] == []
    assert same_site_path("/org/?a=1#x", request) == "/org/?a=1#x"
