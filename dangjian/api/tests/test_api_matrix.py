"""tests/scope_matrix/api*.toml (api.toml, and api_<module>.toml for each module), run for
every role against the real stack.

The same checks as tests/test_scope_matrix.py (anonymous refused; allowed roles < 400; others
403/404 and no trace), made twice for each role: logged in, and with an API token of the
role's user (no session, no CSRF) — a token's request must meet exactly its user's scope.
Plus what API entries need: `data` values naming County.objects() keys
stand for their pk (a GET's `data` is its query string), and each role's request is rolled
back before the next role's, so one role's write does not change what the next one meets.
"""

import json
import tomllib
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from dangjian.accounts.services import token_create
from dangjian.api.main import api
from dangjian.trail.models import TrailEntry

SCOPE_MATRIX = Path(__file__).resolve().parents[3] / "tests" / "scope_matrix"
MATRICES = sorted(SCOPE_MATRIX.glob("api*.toml"))
ENTRIES = [entry for matrix in MATRICES
           for entry in tomllib.loads(matrix.read_text(encoding="utf-8"))["route"]]
ROLES = ["wc_admin", "org_dept", "county", "discipline", "civilization", "lg_secretary",
         "org_secretary", "disc_member", "member"]
PUBLIC = {"api:openapi-json", "api:openapi-view"}


def _entry_id(entry):
    values = [*entry.get("kwargs", {}).values(), *entry.get("data", {}).values()]
    extra = " ".join(map(str, values)) or entry.get("query", "")
    return f"{entry.get('method', 'GET')} {entry['name']} {extra}".strip()


@pytest.mark.req("X.3")
def test_every_api_route_has_an_entry():
    names = {f"api:{p.name}" for p in api.urls[0]}
    covered = {e["name"] for e in ENTRIES}
    assert names - covered - PUBLIC == set()
    assert covered - names == set()
    assert not covered & PUBLIC
    for entry in ENTRIES:
        assert set(entry["allow"]) <= set(ROLES), entry


def _request(client, entry, url, data, headers=None):
    method = entry.get("method", "GET").upper()
    if entry.get("query"):
        url += "?" + entry["query"]
    if method == "GET":
        return client.get(url, data, headers=headers)
    if entry.get("json"):
        return client.generic(method, url, json.dumps(data), content_type="application/json",
                              headers=headers)
    return client.generic(method, url, urlencode(data),
                          content_type="application/x-www-form-urlencoded", headers=headers)


@pytest.mark.req("X.3", "R0.4")
@pytest.mark.parametrize("entry", ENTRIES, ids=_entry_id)
def test_api_route_scope(entry, county, client):
    objects = county.objects()

    def resolve(values):
        return {k: objects[v].pk if isinstance(v, str) and v in objects else v
                for k, v in values.items()}

    url = reverse(entry["name"], kwargs=resolve(entry.get("kwargs", {})) or None)
    data = resolve(entry.get("data", {}))
    anonymous = _request(client, entry, url, data)
    assert anonymous.status_code == 401, "anonymous reached the API"
    secrets = {role: token_create(actor=county.user(role), name="矩阵")[1] for role in ROLES}
    machine = Client(enforce_csrf_checks=True)
    wrong = []
    for role in ROLES:
        for how in ("session", "token"):
            sid = transaction.savepoint()
            traced = TrailEntry.objects.count()
            if how == "session":
                client.force_login(county.user(role))
                response = _request(client, entry, url, data)
            else:
                response = _request(machine, entry, url, data,
                                    {"Authorization": f"Bearer {secrets[role]}"})
            status = response.status_code
            if role in entry["allow"]:
                if status >= 400:
                    wrong.append(f"{role} ({how}): {status} {response.content[:300].decode()}")
            elif status not in (403, 404):
                wrong.append(f"{role} ({how}): {status}, expected 403/404")
            elif TrailEntry.objects.count() != traced:
                wrong.append(f"{role} ({how}): refused but wrote to the trace")
            transaction.savepoint_rollback(sid)
            client.logout()
    assert not wrong, "\n".join(wrong)
