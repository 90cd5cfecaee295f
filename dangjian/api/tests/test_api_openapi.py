"""The OpenAPI document: every operation's request body, its response and every filter
parameter carries an example (shown in /api/docs), and the examples are valid for their schema."""

import importlib

import pytest

from dangjian.api import schemas
from dangjian.api.main import api
from dangjian.core.filters import ListFilter

PAGING = {"limit", "offset"}
# Where the API's schemas and filters are defined: the org API's and each module's.
SCHEMA_MODULES = [
    "dangjian.api.schemas", "dangjian.org.filters",
    "dangjian.assessment.schemas", "dangjian.assessment.filters",
    "dangjian.duty_review.schemas", "dangjian.ballots.schemas", "dangjian.rectification.schemas",
    "dangjian.responsibility.api.schemas", "dangjian.responsibility.filters",
]


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
def test_every_operation_has_examples(db):
    doc = api.get_openapi_schema()
    missing = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            where = f"{method.upper()} {path}"
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body and "examples" not in _documented(doc, body["schema"]):
                missing.append(f"{where}: request body")
            ok = next((op["responses"][s] for s in (200, 201, 202) if s in op["responses"]), {})
            content = ok.get("content", {}).get("application/json")  # (204, a download: none)
            if content and "examples" not in _documented(doc, content["schema"]):
                missing.append(f"{where}: response")
            for param in op.get("parameters", []):
                if param["in"] == "query" and param["name"] not in PAGING \
                        and "examples" not in param["schema"] and "example" not in param \
                        and "examples" not in param and "enum" not in param["schema"]:
                    # (ninja inlines a required enum and drops its examples: its values show)
                    missing.append(f"{where}: ?{param['name']}")
    assert not missing, missing


def _resolved(cls, seen=()):
    """Whether the schema, or one nested in it, reads fields from a model (resolve_*): its
    example cannot be validated from a plain dict, only compared field by field."""
    if cls in seen or not isinstance(cls, type) or not hasattr(cls, "model_fields"):
        return False
    if any(n.startswith("resolve_") for n in dir(cls)):
        return True
    return any(_resolved(arg, (*seen, cls)) for f in cls.model_fields.values()
               for arg in (f.annotation, *getattr(f.annotation, "__args__", ())))


def _same_fields(cls, example, where):
    """The example names exactly the schema's fields, and so on down its nested schemas."""
    assert set(example) == set(cls.model_fields), where
    for name, field in cls.model_fields.items():
        value = example[name]
        for arg in (field.annotation, *getattr(field.annotation, "__args__", ())):
            if isinstance(arg, type) and hasattr(arg, "model_fields"):
                for item in (value if isinstance(value, list) else [value]):
                    if isinstance(item, dict):
                        _same_fields(arg, item, f"{where}.{name}")


@pytest.mark.req("X.3")
@pytest.mark.parametrize("module", SCHEMA_MODULES)
def test_the_examples_are_valid_for_their_schema(module):
    where = importlib.import_module(module)
    for name in dir(where):
        cls = getattr(where, name)
        if isinstance(cls, type) and cls.__module__ != module:
            continue  # imported: checked where it is defined
        examples = (getattr(cls, "model_config", None) or {}).get("json_schema_extra") \
            if isinstance(cls, type) else None
        if isinstance(examples, dict):
            for example in examples["examples"]:
                if issubclass(cls, schemas.In) or not _resolved(cls):
                    cls.model_validate(example)  # raises if an example drifted from its schema
                else:  # resolved from the model: the example names exactly the fields
                    _same_fields(cls, example, name)
        if isinstance(cls, type) and issubclass(cls, ListFilter) and cls is not ListFilter:
            example = {k: f.examples[0] for k, f in cls.model_fields.items() if f.examples}
            assert cls.model_validate(example), name
