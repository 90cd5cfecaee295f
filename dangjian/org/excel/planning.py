"""Per kind: check every row against the database and the importer's scope (a fixed number of
queries for the whole file), then write the rows through the registry's services — people in
batches through `people_create_many`, bodies and posts one row at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from dangjian.org.excel.reading import Row
from dangjian.org.excel.resolve import BodyIndex, PendingBody, covers
from dangjian.org.id_numbers import id_number_q, taken_id_numbers
from dangjian.org.models import Body, Person, Post
from dangjian.org.scope import Grant, Perm, grants_for, scope_filter
from dangjian.org.services import ManyRefused, body_create, people_create_many, post_assign
from dangjian.org.services.people import PERSON_FIELDS

T = TypeVar("T")
_CHUNK = 2000  # keeps IN lists well under SQLite's variable limit


_WRITE_BATCH = 1000  # people per people_create_many call (and per progress report)
IMPORT_NOTE = "Excel导入"
_CLASH = "与系统中已有数据冲突（可能是重复记录），请检查该行"
_CLASH_IN = "与系统中已有数据冲突的记录（可能是重复记录），请检查后重新导入"

#: done(rows): told as the rows are written.
Done = Callable[[int], None]


class Plan(Protocol):
    field_columns: dict[str, str]  # a service's field name -> the column key it maps to

    def write_all(self, rows: list[Row], done: Done) -> None:
        """Write the rows that passed the checks; a refusal becomes a problem on its row."""


class RowByRow:
    """Each row through its service in a savepoint: a refusal rolls back only that row here,
    and the caller rolls back the whole import once any row has failed."""

    field_columns: dict[str, str]

    def write(self, row: Row) -> None:
        raise NotImplementedError

    def write_all(self, rows: list[Row], done: Done) -> None:
        for n, row in enumerate(rows, start=1):
            try:
                with transaction.atomic():
                    self.write(row)
            except (ValidationError, PermissionDenied) as exc:
                refuse(self, row, exc)
            except IntegrityError:
                row.problems[""] = _CLASH
            if n % 500 == 0:
                done(n)


def refuse(plan: Plan, row: Row, exc: ValidationError | PermissionDenied) -> None:
    """A service's refusal as problems on the row, under the columns its fields map to."""
    if isinstance(exc, PermissionDenied):
        row.scope_problems[""] = str(exc) or "不在您的管理范围内"
        return
    if hasattr(exc, "error_dict"):
        by_field = {("" if k == NON_FIELD_ERRORS else k): v for k, v in exc.message_dict.items()}
    else:
        by_field = {"": exc.messages}
    for field_name, messages in by_field.items():
        row.problems[plan.field_columns.get(field_name, "")] = "；".join(messages)


def _chunks(values: Iterable[T]) -> Iterator[list[T]]:
    items = list(dict.fromkeys(values))
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _out_of_scope(body: Body) -> str:
    return f"“{body.name}”不在您的管理范围内"


def _resolve(row: Row, index: BodyIndex, key: str, within: Body | None = None) -> Body | None:
    """Resolve an existing body named in column `key` (a problem on the row if it fails)."""
    text = row.values.get(key)
    if not text or key in row.problems:
        return None
    try:
        found = index.resolve(text, within=within)
    except ValueError as exc:
        row.problems[key] = str(exc)
        return None
    assert isinstance(found, Body)  # no pending bodies outside a bodies import
    row.values[key] = found
    return found


class BodiesPlan(RowByRow):
    field_columns = {
        "name": "name", "short_name": "short_name", "code": "code", "kind": "kind",
        "parent": "parent", "valid_from": "valid_from", "sort_order": "sort_order",
    }

    def __init__(self, actor: Any, rows: list[Row]) -> None:
        self.actor = actor
        self.created: dict[int, Body] = {}
        index = BodyIndex()
        grants = grants_for(actor, Perm.ORG_STRUCTURE)
        first_row: dict[str, int] = {}  # a name or code in the file -> its first row
        for row in rows:
            for key in ("name", "code"):
                if row.values.get(key):
                    first_row.setdefault(row.values[key], row.number)
        codes: dict[str, int] = {}
        siblings: dict[tuple[str, object], int] = {}  # (name, parent) -> first row
        for row in rows:
            code = row.values.get("code") or ""
            if code and "code" not in row.problems:
                if code in index.by_code:
                    row.problems["code"] = f"机构代码“{code}”已被“{index.by_code[code].name}”使用"
                elif code in codes:
                    row.problems["code"] = f"与第{codes[code]}行的机构代码重复"
                else:
                    codes[code] = row.number
            self._check_parent(row, index, grants, first_row)
            self._check_twin(row, index, siblings)
            if row.values.get("name"):
                index.add_pending(PendingBody(row.number, row.values["name"], code,
                                              row.values.get("kind") or "", ok=row.ok))

    @staticmethod
    def _check_parent(row: Row, index: BodyIndex, grants: list[Grant],
                      first_row: dict[str, int]) -> None:
        text = row.values.get("parent")
        if not text or "parent" in row.problems:
            return
        try:
            parent = index.resolve(text)
        except ValueError as exc:
            at = first_row.get(text)
            if at == row.number:
                row.problems["parent"] = "上级不能是本行自己"
            elif at is not None and at > row.number:
                row.problems["parent"] = f"上级“{text}”在第{at}行，须排在本行之前"
            else:
                row.problems["parent"] = str(exc)
            return
        row.values["parent"] = parent
        if isinstance(parent, Body) and not covers(grants, parent):
            row.scope_problems["parent"] = _out_of_scope(parent)
        elif isinstance(parent, PendingBody) and not parent.ok:
            row.problems["parent"] = f"上级（第{parent.row}行）有误，请先更正该行"

    @staticmethod
    def _check_twin(row: Row, index: BodyIndex, siblings: dict[tuple[str, object], int]) -> None:
        """The same body twice (a file imported again) is refused: same name, same parent."""
        name, parent = row.values.get("name"), row.values.get("parent")
        if not name or not isinstance(parent, Body | PendingBody) or "name" in row.problems:
            return
        if isinstance(parent, Body) and any(
            isinstance(b, Body) and b.parent_id == parent.pk for b in index.by_name.get(name, [])
        ):
            row.problems["name"] = f"“{parent.name}”下已有“{name}”"
            return
        key = (name, parent.pk if isinstance(parent, Body) else f"row{parent.row}")
        if key in siblings:
            row.problems["name"] = f"与第{siblings[key]}行重复（同一上级下的同名组织）"
        else:
            siblings[key] = row.number

    def write(self, row: Row) -> None:
        v = row.values
        parent = v["parent"]
        if isinstance(parent, PendingBody):
            if parent.row not in self.created:
                raise ValidationError({"parent": f"上级（第{parent.row}行）未能导入，请先更正该行"})
            parent = self.created[parent.row]
        self.created[row.number] = body_create(
            actor=self.actor, name=v["name"], kind=v["kind"], parent=parent,
            valid_from=v["valid_from"], short_name=v.get("short_name", ""),
            code=v.get("code") or None, sort_order=v.get("sort_order") or 0,
        )


class PeoplePlan:
    field_columns = {name: name for name in PERSON_FIELDS}

    def __init__(self, actor: Any, rows: list[Row]) -> None:
        self.actor = actor
        index = BodyIndex()
        grants = grants_for(actor, Perm.ORG_EDIT)
        numbers = [r.values["id_number"] for r in rows if r.values.get("id_number")]
        existing: set[str] = set()
        for chunk in _chunks(numbers):
            existing.update(taken_id_numbers(Person.objects.all(), chunk))
        seen: dict[str, int] = {}
        namesakes = self._namesakes(rows)
        unnumbered: dict[tuple[str, int], int] = {}  # (name, unit) -> first row without ID
        for row in rows:
            number = row.values.get("id_number")
            if number:
                if number in existing:
                    row.problems["id_number"] = "该身份证号已在系统中登记"
                elif number in seen:
                    row.problems["id_number"] = f"与第{seen[number]}行的身份证号重复"
                else:
                    seen[number] = row.number
            unit = _resolve(row, index, "unit")
            branch = _resolve(row, index, "branch", within=unit)
            key, target = ("branch", branch) if branch else ("unit", unit)
            if target is not None and not covers(grants, target):
                row.scope_problems[key] = _out_of_scope(target)
            if unit is not None and not number and "id_number" not in row.problems:
                self._check_namesake(row, unit, namesakes, unnumbered)
        self.failed = not all(row.ok for row in rows)  # nothing will be written

    @staticmethod
    def _namesakes(rows: list[Row]) -> set[tuple[str, int]]:
        names = (r.values["name"] for r in rows
                 if r.values.get("name") and not r.values.get("id_number"))
        found: set[tuple[str, int]] = set()
        for chunk in _chunks(names):
            found.update(Person.objects.filter(name__in=chunk, left_on__isnull=True)
                         .values_list("name", "unit_id"))
        return found

    @staticmethod
    def _check_namesake(row: Row, unit: Body, namesakes: set[tuple[str, int]],
                        unnumbered: dict[tuple[str, int], int]) -> None:
        """Without an ID number the same person imported twice could not be told apart from
        a namesake: ask for the number rather than guess."""
        key = (row.values["name"], unit.pk)
        if key in namesakes:
            row.problems["id_number"] = (f"“{unit.name}”已有在册人员“{key[0]}”；"
                                         "如是另一人，请填写身份证号以区分")
        elif key in unnumbered:
            row.problems["id_number"] = (f"与第{unnumbered[key]}行同单位同名且都未填身份证号，"
                                         "请填写身份证号以区分")
        else:
            unnumbered[key] = row.number

    def write_all(self, rows: list[Row], done: Done) -> None:
        """A thousand rows at a time through people_create_many: the batch is written whole
        or not at all (and the caller rolls back every batch once any row has failed). Once
        any row has failed, the later batches are only checked, so every problem is still
        reported but nothing more is written just to be rolled back."""
        for start in range(0, len(rows), _WRITE_BATCH):
            batch = rows[start:start + _WRITE_BATCH]
            try:
                people_create_many(actor=self.actor, items=[self._fields(r) for r in batch],
                                   note=IMPORT_NOTE, check_only=self.failed)
            except ManyRefused as exc:
                self.failed = True
                for i, error in exc.errors.items():
                    refuse(self, batch[i], error)
            except IntegrityError:  # a concurrent write took a number after the checks
                self.failed = True
                self._find_clashes(batch)
            done(start + len(batch))

    @staticmethod
    def _fields(row: Row) -> dict[str, Any]:
        fields = {k: v for k, v in row.values.items() if k in PERSON_FIELDS}
        fields["id_number"] = fields.get("id_number") or None
        return fields

    @staticmethod
    def _find_clashes(rows: list[Row]) -> None:
        numbers = [r.values["id_number"] for r in rows if r.values.get("id_number")]
        taken = taken_id_numbers(Person.objects.all(), numbers)
        found = False
        for row in rows:
            if row.values.get("id_number") in taken:
                row.problems["id_number"] = "该身份证号已在系统中登记"
                found = True
        if not found:
            rows[0].problems[""] = f"本行起的{len(rows)}行中有{_CLASH_IN}"


class PostsPlan(RowByRow):
    field_columns = {
        "person": "person_name", "body": "body", "kind": "kind", "start": "start",
        "end": "end", "portfolio": "portfolio",
    }

    def __init__(self, actor: Any, rows: list[Row]) -> None:
        self.actor = actor
        index = BodyIndex()
        grants = grants_for(actor, Perm.ORG_EDIT)
        visible = scope_filter(actor, Perm.ORG_VIEW, Person.objects.all())
        by_number: dict[str, Person] = {}
        for chunk in _chunks(r.values["id_number"] for r in rows if r.values.get("id_number")):
            by_number.update((p.id_number or "", p) for p in visible.filter(id_number_q(chunk)))
        by_name: dict[str, list[Person]] = {}
        names = (r.values["person_name"] for r in rows
                 if r.values.get("person_name") and not r.values.get("id_number"))
        for chunk in _chunks(names):
            for p in visible.filter(name__in=chunk, left_on__isnull=True):
                by_name.setdefault(p.name, []).append(p)
        for row in rows:
            self._find_person(row, by_number, by_name)
            body = _resolve(row, index, "body")
            if body is not None and not covers(grants, body):
                row.scope_problems["body"] = _out_of_scope(body)
            start, end = row.values.get("start"), row.values.get("end")
            if start and end and end < start:
                row.problems["end"] = "免职日期不能早于任职日期"
        self._check_repeats(rows)

    @staticmethod
    def _check_repeats(rows: list[Row]) -> None:
        """The same term twice (a file imported again): same person, body, post and start."""
        ready = [r for r in rows if r.ok and "person" in r.values and "start" in r.values]
        people = {r.values["person"].pk for r in ready}
        existing: set[tuple[Any, ...]] = set()
        for chunk in _chunks(people):
            existing.update(Post.objects.filter(person_id__in=chunk)
                            .values_list("person_id", "body_id", "kind", "start"))
        first: dict[tuple[Any, ...], int] = {}
        for row in ready:
            v = row.values
            key = (v["person"].pk, v["body"].pk, v["kind"], v["start"])
            if key in existing:
                row.problems["start"] = "该任职记录已在系统中（同一人员、组织、职务和任职日期）"
            elif key in first:
                row.problems["start"] = f"与第{first[key]}行重复"
            else:
                first[key] = row.number

    @staticmethod
    def _find_person(row: Row, by_number: dict[str, Person],
                     by_name: dict[str, list[Person]]) -> None:
        name, number = row.values.get("person_name"), row.values.get("id_number")
        if "id_number" in row.problems or "person_name" in row.problems:
            return
        if number:
            person = by_number.get(number)
            if person is None:
                row.problems["id_number"] = "您管理的人员中没有该身份证号（请先导入人员）"
            elif person.name != name:
                row.problems["person_name"] = f"与身份证号对应的人员姓名“{person.name}”不一致"
            else:
                row.values["person"] = person
            return
        found = by_name.get(name or "", [])
        if not found:
            row.problems["person_name"] = f"您管理的在册人员中没有“{name}”（请先导入人员）"
        elif len(found) > 1:
            row.problems["id_number"] = f"有{len(found)}名叫“{name}”的人员，请填写身份证号"
        else:
            row.values["person"] = found[0]

    def write(self, row: Row) -> None:
        v = row.values
        post_assign(
            actor=self.actor, person=v["person"], body=v["body"], kind=v["kind"],
            start=v["start"], portfolio=v.get("portfolio", ""), end=v.get("end"),
        )


PLANNERS: dict[str, Callable[[Any, list[Row]], Plan]] = {
    "bodies": BodiesPlan,
    "people": PeoplePlan,
    "posts": PostsPlan,
}
