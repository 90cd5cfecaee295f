"""One name, one schema in the OpenAPI document (X.3).

ninja files every schema under components/schemas by its class name and lets a later one of the
same name replace an earlier one silently (two modules' `ResultOut`): the document then
declares the wrong shape for one module's responses, and every client and the schemathesis run
(tests/api_fuzz) check them against it."""

import pytest
from ninja.openapi.schema import OpenAPISchema

from dangjian.api.main import api


@pytest.mark.req("X.3")
def test_no_two_schemas_share_a_component_name(monkeypatch):
    clashes: set[str] = set()
    original = OpenAPISchema.add_schema_definitions

    def add(self, definitions):
        clashes.update(name for name, schema in definitions.items()
                       if name in self.schemas and self.schemas[name] != schema)
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", add)
    api.get_openapi_schema()
    assert not clashes, (f"schemas of the same name and different shapes: {sorted(clashes)} "
                         "(give one of each pair a name of its own)")
