"""Every URL × every role → allowed or denied, as the data files in scope_matrix/ say.

A URL pattern with no entry fails the test, so a new page, export, download or API route cannot
ship without a scope decision. Denied requests must also write nothing (no new trace entry).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangjian.testing import county_objects
from dangjian.trail.models import TrailEntry

MATRIX_DIR = Path(__file__).parent / "scope_matrix"
BASE_ROLES = ["wc_admin", "org_dept", "county", "discipline", "civilization", "lg_secretary",
              "org_secretary", "disc_member", "member"]
# The audit administrator (安全审计员, set on the server) reaches what it is listed for and what
# every other role reaches (the pages of any logged-in account), unless listed in `deny`.
ROLES = [*BASE_ROLES, "audit_admin"]


def _allowed(entry: dict[str, Any]) -> set[str]:
    allowed = set(entry["allow"])
    if set(BASE_ROLES) <= allowed:
        allowed.add("audit_admin")
    return allowed - set(entry.get("deny", []))
# Reachable without logging in, by design.
PUBLIC = {"accounts:login", "healthz", "api:openapi-json", "api:openapi-view",
          # A rater's ballot page and the published receipt list: the one-time code is the
          # credential (tested in dangjian/ballots/tests).
          "vote:rater_form", "vote:receipts"}


def _entries() -> list[dict[str, Any]]:
    out = []
    for path in sorted(MATRIX_DIR.glob("*.toml")):
        for route in tomllib.loads(path.read_text())["route"]:
            route["_file"] = path.name
            out.append(route)
    return out


def _url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names |= _url_names(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(prefix + p.name)
    return names


ENTRIES = _entries()


def test_every_url_has_a_scope_decision():
    covered = {e["name"] for e in ENTRIES}
    missing = sorted(_url_names() - covered - PUBLIC)
    assert not missing, f"URL patterns with no entry in tests/scope_matrix/: {missing}"


def test_matrix_names_are_real_urls():
    unknown = sorted({e["name"] for e in ENTRIES} - _url_names())
    assert not unknown, f"matrix entries for URLs that do not exist: {unknown}"


def _url(entry: dict[str, Any], objects: dict[str, Any]) -> str:
    kwargs = {}
    for key, value in entry.get("kwargs", {}).items():
        kwargs[key] = objects[value].pk if isinstance(value, str) and value in objects else value
    url = reverse(entry["name"], kwargs=kwargs or None)
    if entry.get("query"):
        url += "?" + entry["query"]
    return url


def _resolve(values: dict[str, Any], objects: dict[str, Any]) -> dict[str, Any]:
    return {k: objects[v].pk if isinstance(v, str) and v in objects else v
            for k, v in values.items()}


def _request(client: Any, entry: dict[str, Any], url: str, objects: dict[str, Any]) -> Any:
    method = entry.get("method", "GET").upper()
    data = _resolve(entry.get("data", {}), objects)
    if method == "GET":
        return client.get(url, data)
    if entry.get("json"):
        return client.generic(method, url, data=__import__("json").dumps(data),
                              content_type="application/json")
    return client.generic(method, url, data=__import__("urllib.parse").parse.urlencode(data),
                          content_type="application/x-www-form-urlencoded")


@pytest.mark.req("R0.4", "R6.1", "X.3")
@pytest.mark.parametrize(
    "entry", ENTRIES,
    ids=[f"{e['_file']}:{e['name']}:{e.get('method', 'GET')}:{i}" for i, e in enumerate(ENTRIES)],
)
def test_route_scope(entry, county, client):
    objects = county_objects(county)  # county.objects(), written back from a copy
    url = _url(entry, objects)
    anonymous = _request(client, entry, url, objects)
    assert anonymous.status_code in (302, 401, 403), f"anonymous reached {url}"
    allowed = _allowed(entry)
    unknown_roles = (set(entry["allow"]) | set(entry.get("deny", []))) - set(ROLES)
    assert not unknown_roles, f"unknown roles in matrix: {unknown_roles}"
    failures = []
    county.user("audit_admin")  # made before the savepoints, so that every role's run has it
    for role in ROLES:
        sid = transaction.savepoint()  # each role meets the same state
        client.force_login(county.user(role))
        traced = TrailEntry.objects.count()
        response = _request(client, entry, url, objects)
        status = response.status_code
        if role in allowed:  # a 400 is an allowed form sent back with its errors
            if status >= 500 or status in (401, 403, 404):
                failures.append(f"{role}: expected allowed, got {status}")
        else:
            if status not in (403, 404):
                failures.append(f"{role}: expected denied, got {status}")
            if TrailEntry.objects.count() != traced:
                failures.append(f"{role}: denied request wrote to the trace")
        transaction.savepoint_rollback(sid)
        client.logout()
    assert not failures, f"{entry.get('method', 'GET')} {url}: " + "; ".join(
        failures)
