"""Schemathesis hooks (loaded by the CLI through SCHEMATHESIS_HOOKS): generated ids are random
integers that almost never name a record, so every call would stop at a 404. These hooks swap,
in about half of the cases, an id-like integer (a path `pk`, a `body`/`person`/... field or
filter) for the id of a real record of the test county — in the caller's scope or outside it —
so the fuzzing reaches the services behind the lookups.

The pools come from the JSON file named by DANGJIAN_FUZZ_IDS: {"bodies": [...], "people": [...],
"posts": [...], "years": [...], "<app label>": [...], "all": [...]}. A path's `pk` draws from the
pool of its first segment (a module's routes sit under its app label), else from "all" (every
named record of the county), so the modules' routers get real ids too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import strategies as st

_FILE = os.environ.get("DANGJIAN_FUZZ_IDS", "")
POOLS: dict[str, list[int]] = json.loads(Path(_FILE).read_text()) if _FILE else {}
#: a field or filter that names a record of this kind
FIELDS = {"parent": "bodies", "into": "bodies", "body": "bodies", "unit": "bodies",
          "branch": "bodies", "owner_body": "bodies", "verifier_body": "bodies",
          "person": "people", "subject": "people", "post": "posts", "year": "years"}


def _segment(context: schemathesis.HookContext) -> str:
    operation = context.operation
    parts = [p for p in (operation.path if operation else "").split("/") if p]
    if parts and parts[0] == "api":
        parts = parts[1:]
    return parts[0] if parts else ""


def _pool(context: schemathesis.HookContext, name: str) -> list[int]:
    kind = FIELDS.get(name)
    if kind is None and (name in {"pk", "id"} or name.endswith(("_id", "_pk"))):
        kind = _segment(context)
    if kind is None:
        return []
    return POOLS.get(kind) or POOLS.get("all", [])


def _swap(context: schemathesis.HookContext, values: Any) -> st.SearchStrategy[Any]:
    if not isinstance(values, dict):
        return st.just(values)
    choices = {}
    for name, value in values.items():
        pool = _pool(context, str(name))
        if pool and isinstance(value, int) and not isinstance(value, bool):
            choices[name] = st.one_of(st.just(value), st.sampled_from(pool))
    if not choices:
        return st.just(values)
    return st.fixed_dictionaries(choices).map(lambda drawn: {**values, **drawn})


@schemathesis.hook
def flatmap_path_parameters(context: schemathesis.HookContext,
                            path_parameters: dict[str, Any]) -> st.SearchStrategy[Any]:
    return _swap(context, path_parameters)


@schemathesis.hook
def flatmap_query(context: schemathesis.HookContext,
                  query: dict[str, Any]) -> st.SearchStrategy[Any]:
    return _swap(context, query)


@schemathesis.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    return _swap(context, body)
