"""One definition of a list's filters, read by the page, its export and the API alike.

A list's filters are a `ListFilter` (a ninja Schema): the API takes it as `Query[...]` and
answers a bad value with a 422 naming the field; the page and its Excel export read the same
query string with `from_query`, where a value that does not parse is dropped (the list shows
unfiltered on that field) and named in `ignored`, so the page can say so. The query-string
names are the schema's field names everywhere, so a page's URL, its export link and the API
call carry the same parameters.

    class PersonFilter(ListFilter):
        q: str = Field("", description="按姓名查找")
        include_left: bool = False

    filters = PersonFilter.from_query(request.GET)   # page, export
    def person_list(request, filters: Query[PersonFilter])  # API
"""

from __future__ import annotations

from typing import Any, Self, get_origin

from django.http import QueryDict
from ninja import Schema
from pydantic import ConfigDict, PrivateAttr
from pydantic import ValidationError as PydanticValidationError


class ListFilter(Schema):
    model_config = ConfigDict(extra="ignore")

    _ignored: list[str] = PrivateAttr(default_factory=list)

    @property
    def ignored(self) -> list[str]:
        """The fields whose value in the query string did not parse, by their description."""
        return self._ignored

    @classmethod
    def from_query(cls, query: QueryDict) -> Self:
        values: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if key not in query:
                continue
            if get_origin(field.annotation) is list:
                values[name] = query.getlist(key)
            else:
                raw = query.get(key, "")
                if raw == "" and field.default is None:
                    continue  # an empty select box means "any"
                values[name] = raw.strip() if isinstance(raw, str) else raw
        ignored: list[str] = []
        while True:
            try:
                result = cls.model_validate(values)
            except PydanticValidationError as exc:
                bad = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
                if not bad & values.keys():
                    raise
                for name in bad & values.keys():
                    values.pop(name)
                    ignored.append(cls.model_fields[name].description or name)
                continue
            result._ignored = ignored
            return result

    def to_query(self) -> str:
        """The query string that reproduces these filters (for export links and paging)."""
        data = self.model_dump(exclude_defaults=True, mode="json")
        query = QueryDict(mutable=True)
        for key, value in data.items():
            if isinstance(value, list):
                query.setlist(key, [str(v) for v in value])
            elif isinstance(value, bool):
                query[key] = "true" if value else "false"
            else:
                query[key] = str(value)
        return query.urlencode()
