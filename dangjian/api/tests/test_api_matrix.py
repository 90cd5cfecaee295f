"""tests/scope_matrix/api.toml, run for every role against the real stack.

Every API route has entries; a role in `allow` succeeds (< 400), every other role gets 403 or
404 and leaves no trace. `data` values naming County.objects() keys stand for their pk; GET
sends `data` as the query string, POST as JSON.
"""

import json
import tomllib
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from dangjian.api.main import api
from dangjian.trail.models import TrailEntry

MATRIX = Path(__file__).resolve().parents[3] / "tests" / "scope_matrix" / "api.toml"
ENTRIES = tomllib.loads(MATRIX.read_text(encoding="utf-8"))["route"]
ROLES = ["wc_admin", "org_dept", "county", "discipline", "civilization", "lg_secretary",
         "org_secretary", "disc_member", "member"]


def _objects(county):
    objects = dict(county.objects())
    # Bodies with no members and no sub-bodies (the only ones that can be dissolved).
    objects.setdefault("body_lg_own", county.depts[0].leading_group)
    objects.setdefault("body_lg_other", county.depts[1].leading_group)
    return objects


def _entry_id(entry):
    values = [*entry.get("kwargs", {}).values(), *entry.get("data", {}).values()]
    return f"{entry['method']} {entry['name']} {' '.join(map(str, values))}".strip()


@pytest.mark.req("X.3")
def test_every_api_route_has_an_entry():
    names = {f"api:{p.name}" for p in api.urls[0]}
    covered = {e["name"] for e in ENTRIES}
    assert names - covered == set()
    assert covered - names == set()
    for entry in ENTRIES:
        assert set(entry["allow"]) <= set(ROLES), entry


@pytest.mark.req("X.3", "R0.4")
@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_api_route_scope(entry, county, client):
    objects = _objects(county)

    def resolve(value):
        return objects[value].pk if isinstance(value, str) and value in objects else value

    url = reverse(entry["name"], kwargs={k: resolve(v) for k, v in
                                         entry.get("kwargs", {}).items()})
    data = {k: resolve(v) for k, v in entry.get("data", {}).items()}
    wrong = []
    for role in ROLES:
        sid = transaction.savepoint()
        trail_before = TrailEntry.objects.count()
        client.force_login(county.user(role))
        if entry["method"] == "GET":
            response = client.get(url, data)
        else:
            response = client.generic(entry["method"], url, json.dumps(data),
                                      content_type="application/json")
        allowed = role in entry["allow"]
        if allowed and response.status_code >= 400:
            wrong.append(f"{role}: {response.status_code} {response.content[:200]!r}")
        if not allowed:
            if response.status_code not in (403, 404):
                wrong.append(f"{role}: {response.status_code}, expected 403/404")
            elif TrailEntry.objects.count() != trail_before:
                wrong.append(f"{role}: refused but left a trace")
        transaction.savepoint_rollback(sid)
        client.logout()
    assert not wrong, "\n".join(wrong)

