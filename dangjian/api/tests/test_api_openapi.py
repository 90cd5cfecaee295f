"""The OpenAPI document of the org API: every request body, every response and every filter
parameter carries an example (shown in /api/docs), and the examples are valid for their schema."""

import pytest

from dangjian.api import schemas
from dangjian.api.main import api
from dangjian.org.filters import PersonFilter, PostFilter

TAGS = {"我的", "组织机构", "人员", "职务任职", "留痕"}
PAGING = {"limit", "offset"}


def _schema(doc, ref_or_schema):
    schema = ref_or_schema
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _documented(doc, schema):
    """The schema an example is expected on: a page's items, a list's items, or itself."""
    schema = _schema(doc, schema)
    if set(schema.get("properties", {})) == {"total", "limit", "offset", "items"}:
        schema = schema["properties"]["items"]
    if schema.get("type") == "array":
        schema = schema["items"]
    return _schema(doc, schema)


@pytest.mark.req("X.3")
def test_every_org_operation_has_examples(db):
    doc = api.get_openapi_schema()
    missing = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if not set(op.get("tags", [])) & TAGS:
                continue
            where = f"{method.upper()} {path}"
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body and "examples" not in _documented(doc, body["schema"]):
                missing.append(f"{where}: request body")
            ok = next(op["responses"][s] for s in (200, 201) if s in op["responses"])
            if "examples" not in _documented(doc, ok["content"]["application/json"]["schema"]):
                missing.append(f"{where}: response")
            for param in op.get("parameters", []):
                if param["in"] == "query" and param["name"] not in PAGING \
                        and "examples" not in param["schema"] and "example" not in param \
                        and "examples" not in param and "enum" not in param["schema"]:
                    # (ninja inlines a required enum and drops its examples: its values show)
                    missing.append(f"{where}: ?{param['name']}")
    assert not missing, missing


@pytest.mark.req("X.3")
def test_the_examples_are_valid_for_their_schema():
    for name in dir(schemas):
        cls = getattr(schemas, name)
        examples = (getattr(cls, "model_config", None) or {}).get("json_schema_extra") \
            if isinstance(cls, type) else None
        if isinstance(examples, dict):
            for example in examples["examples"]:
                if issubclass(cls, schemas.In) or not any(
                        n.startswith("resolve_") for n in dir(cls)):
                    cls.model_validate(example)  # raises if an example drifted from its schema
                else:  # resolved from the model: the example names exactly the fields
                    assert set(example) == set(cls.model_fields), name
    for filters in (PersonFilter, PostFilter):
        example = {k: f.examples[0] for k, f in filters.model_fields.items() if f.examples}
        assert filters.model_validate(example)
