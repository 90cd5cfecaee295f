from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone

from dangjian.bulk import insert_many
from dangjian.core.crypto import current_key_id, sealed_key_id
from dangjian.core.text import require_single_line
from dangjian.core.validation import unique_message
from dangjian.org.id_numbers import id_number_digest, taken_id_numbers
from dangjian.org.idcard import birth_date_from, id_number_problem
from dangjian.org.models import PARTY_ORG_KINDS, UNIT_KINDS, Body, Person, PoliticalStatus
from dangjian.org.scope import Perm, require_body
from dangjian.trail.changes import (
    SYSTEM_CHAIN,
    Change,
    change_record,
    change_record_many,
    changes_chain,
    diff,
    snapshot,
)
from dangjian.trail.services import trail_append

EARLIEST_BIRTH = dt.date(1900, 1, 1)
# A phone number as people write it: 13800000000, 0371-12345678, (0371)12345678, +86 138…,
# 0371-12345678转123. Letters and other signs are a typing mistake, not a number.
PHONE = re.compile(r"(\+\d{1,3}[ -]?)?(\(\d{2,5}\)|\d{2,5}[ -]?)?\d{3,8}([ -]\d{3,8})?"
                   r"((转|-|#)\d{1,6})?")

PERSON_FIELDS = (
    "name", "gender", "birth_date", "id_number", "education", "major", "job_title", "rank",
    "political_status", "party_join_date", "unit", "branch", "is_reserve_cadre",
    "is_party_cadre", "cadre_type", "phone",
)


def _validate(person: Person, *, many: bool = False) -> None:
    """The rules for a person about to be saved. `many` (people_create_many): the checks that
    each cost a query — the unit and branch exist, the ID number is unique, the table's
    constraints — are left to the caller, which makes them for all the people at once."""
    errors: dict[str, str] = {}
    if person.id_number:
        person.id_number = person.id_number.strip().upper()
        problem = id_number_problem(person.id_number)
        if problem:
            errors["id_number"] = problem
        elif person.birth_date is None:
            person.birth_date = birth_date_from(person.id_number)
        elif person.birth_date != birth_date_from(person.id_number):
            errors["birth_date"] = "出生日期与身份证号不一致"
    else:
        person.id_number = None
    # What pre_save would store, now: the clash check below reads it.
    person.id_number_digest = id_number_digest(person.id_number) if person.id_number else None
    person.id_number_tail = (person.id_number or "")[-4:]
    if not many and "id_number" not in errors and person.id_number and taken_id_numbers(
            Person.objects.exclude(pk=person.pk), [person.id_number]):
        errors["id_number"] = unique_message(Person, ("id_number",))
    unit: Body | None = getattr(person, "unit", None) if person.unit_id else None
    if unit is not None and unit.kind not in UNIT_KINDS:
        errors["unit"] = "所在单位应为部门（单位）"
    if unit is not None and not unit.is_active:
        errors["unit"] = f"“{unit.name}”已撤销"
    branch = person.branch if person.branch_id else None
    if branch is not None:
        if branch.kind not in PARTY_ORG_KINDS:
            errors["branch"] = "所在党组织应为机关党委、党总支或党支部"
        elif not branch.is_active:
            errors["branch"] = f"“{branch.name}”已撤销"
    is_member = person.political_status in {PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY}
    if is_member and branch is None:
        errors["branch"] = "党员须填写所在党组织"
    if not is_member and person.party_join_date:
        errors["party_join_date"] = "非党员不应填写入党日期"
    today = timezone.localdate()
    if person.birth_date and "birth_date" not in errors and not (
            EARLIEST_BIRTH <= person.birth_date <= today):
        errors["birth_date"] = ("出生日期不能晚于今天" if person.birth_date > today
                                else f"出生日期不能早于{EARLIEST_BIRTH:%Y年%m月%d日}")
    if person.party_join_date and person.party_join_date > today:
        errors["party_join_date"] = "入党日期不能晚于今天"
    person.phone = (person.phone or "").strip()
    if person.phone and not PHONE.fullmatch(person.phone):
        errors["phone"] = ("联系电话格式不对：只能由数字组成，可带区号“-”、分机号，"
                           "如 13800000000、0371-12345678")
    if person.party_join_date and person.birth_date and person.party_join_date <= person.birth_date:
        errors["party_join_date"] = "入党日期应晚于出生日期"
    if person.is_party_cadre and not person.cadre_type:
        errors["cadre_type"] = "党务干部须注明专职或兼职"
    if not person.is_party_cadre:
        person.cadre_type = ""
    if errors:
        raise ValidationError(errors)
    if many:
        person.full_clean(exclude=_RELATIONS, validate_unique=False, validate_constraints=False)
    else:
        person.full_clean(exclude=_DERIVED)  # the ID number's uniqueness: checked above


_RELATIONS = ("unit", "branch")
_DERIVED = ("id_number_digest", "id_number_tail")


def _require_placement(actor: Any, person: Person) -> None:
    """The actor must be able to edit where the person sits (their branch, else their unit)."""
    require_body(actor, Perm.ORG_EDIT, person.branch or person.unit)


@transaction.atomic
def person_create(*, actor: Any, check_scope: bool = True, **fields: Any) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    person = Person(**fields)
    _validate(person)
    if check_scope:
        _require_placement(actor, person)
    person.save()
    change_record(actor=actor, action="create", obj=person, after=_traced(person))
    return person


class ManyRefused(Exception):
    """Some of the people given to `people_create_many` were refused and nothing was written.
    `errors`: the item's index -> what `person_create` would have raised for it."""

    def __init__(self, errors: dict[int, ValidationError | PermissionDenied]) -> None:
        super().__init__(f"{len(errors)}条人员记录未通过检查")
        self.errors = errors


@transaction.atomic
def people_create_many(*, actor: Any, items: Sequence[Mapping[str, Any]],
                       check_scope: bool = True, note: str = "",
                       check_only: bool = False) -> list[Person]:
    """Create many people at once (an import): every item is checked by `person_create`'s own
    rules and scope check — the ones that each cost a query made once for all of them — then
    all are inserted in batches (`insert_many`) and traced, one entry each, as `person_create`
    traces. If any item is refused, none is written: ManyRefused says which and why.
    `check_only`: make every check and write nothing (the people come back unsaved) — for an
    import that already knows it will not be written but should report every problem."""
    people: list[Person] = []
    errors: dict[int, ValidationError | PermissionDenied] = {}
    for i, fields in enumerate(items):
        unknown = set(fields) - set(PERSON_FIELDS)
        if unknown:
            raise TypeError(f"unknown person fields: {sorted(unknown)}")
        person = Person(**fields)
        people.append(person)
        try:
            _validate(person, many=True)
            if check_scope:
                _require_placement(actor, person)
        except (ValidationError, PermissionDenied) as exc:
            errors[i] = exc
    errors.update(_relation_problems(people, errors))
    errors.update(_id_number_clashes(people, errors))
    if errors:
        raise ManyRefused(errors)
    if check_only:
        return people
    insert_many(Person, people, assign_pk=True, batch_size=_BATCH)
    change_record_many(actor=actor, action="create", changes=[
        Change(p, after=_traced(p), note=note) for p in people
    ])
    return people


_BATCH = 1000


def _relation_problems(people: Sequence[Person],
                       skip: Mapping[int, Exception]) -> dict[int, ValidationError]:
    """What `full_clean` says of a missing or unknown unit or branch, in one query."""
    ids = {getattr(p, f"{name}_id") for p in people for name in _RELATIONS} - {None}
    known = set(Body.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    out: dict[int, ValidationError] = {}
    for i, person in enumerate(people):
        if i in skip:
            continue
        found: dict[str, str] = {}
        for name in _RELATIONS:
            field = Person._meta.get_field(name)
            assert isinstance(field, models.ForeignKey)
            value = getattr(person, f"{name}_id")
            if value is None and not field.null:
                found[name] = str(field.error_messages["null"])
            elif value is not None and value not in known:
                found[name] = f"所选{field.verbose_name}不存在"
        if found:
            out[i] = ValidationError(found)
    return out


def _id_number_clashes(people: Sequence[Person],
                       skip: Mapping[int, Exception]) -> dict[int, ValidationError]:
    """The ID number is unique: against the database (one query per thousand) and within the
    batch, with the message `full_clean` gives."""
    numbers = [p.id_number for i, p in enumerate(people) if p.id_number and i not in skip]
    taken: set[str] = set()
    for start in range(0, len(numbers), _BATCH):
        taken.update(taken_id_numbers(Person.objects.all(), numbers[start:start + _BATCH]))
    out: dict[int, ValidationError] = {}
    for i, person in enumerate(people):
        if i in skip or not person.id_number:
            continue
        if person.id_number in taken:
            message = person.unique_error_message(Person, ("id_number",))
            out[i] = ValidationError({"id_number": [message]})
        taken.add(person.id_number)
    return out


def person_id_reveal(*, actor: Any, person: Person) -> str:
    """The full ID number, for someone who may edit the person; each look is traced (who, whom,
    when — the trace itself keeps the number masked)."""
    _require_placement(actor, person)
    change_record(actor=actor, action="reveal", obj=person,
                  after={"身份证号": person.id_number_masked})
    return person.id_number or ""


def person_ids_exported(*, actor: Any, what: str, count: int, scope_path: str) -> None:
    """Trace an export that wrote `count` full ID numbers (the export gives them only to whom
    person_id_reveal would): who, when, which list, how many — on the trail of the deepest
    body over all of those people, so whoever reads that body's trace sees it."""
    trail_append(chain=changes_chain(scope_path), actor=actor, action="reveal",
                 subject_type=Person._meta.label_lower, subject_id="", subject_label=what,
                 scope_path=scope_path, after={"导出": what, "完整身份证号条数": count},
                 note=f"导出{what}，含完整身份证号{count}条")


def _traced(person: Person) -> dict[str, Any]:
    data = snapshot(person, _TRACED)
    if person.id_number:  # the trace is read widely: keep the number masked there too
        data["身份证号"] = person.id_number_masked
    return data


_TRACED = [f.name for f in Person._meta.concrete_fields if f.name not in _DERIVED]


@transaction.atomic
def person_update(*, actor: Any, person: Person, **fields: Any) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    _require_placement(actor, person)  # where they are now
    before = _traced(person)
    for key, value in fields.items():
        setattr(person, key, value)
    _validate(person)
    _require_placement(actor, person)  # and where they go
    person.save()
    b, a = diff(before, _traced(person))
    if a:
        change_record(actor=actor, action="update", obj=person, before=b, after=a)
    return person


def _posts_start_by(posts: models.QuerySet[Any], on: dt.date, what: str) -> None:
    """Posts end on `on`: one that starts later would end before it began."""
    late = posts.filter(start__gt=on).order_by("-start").first()
    if late is not None:
        raise ValidationError({"on": f"{what}不能早于现任职务的任职日期"
                                     f"（{late.start:%Y-%m-%d}起任{late.get_kind_display()}）"})


@transaction.atomic
def person_leave(*, actor: Any, person: Person, on: dt.date, reason: str = "") -> Person:
    """A person leaves the county's organs: their current posts end on the same day."""
    _require_placement(actor, person)
    if person.left_on:
        raise ValidationError("该人员已调离")
    require_single_line(reason=reason)
    _posts_start_by(person.posts.filter(end__isnull=True), on, "调离日期")
    person.left_on = on
    person.save(update_fields=["left_on", "updated_at"])
    person.posts.filter(end__isnull=True).update(end=on, end_reason=reason or "调离")
    change_record(actor=actor, action="end", obj=person, after={"调离日期": on, "原因": reason})
    return person


@transaction.atomic
def person_id_numbers_reseal(*, actor: Any = None, batch: int = _BATCH) -> tuple[int, int]:
    """Reseal every ID number under the current DATA_KEY (read under it or a fallback) and
    recompute its digest: after this the fallbacks can be dropped. Returns (resealed, of which
    were under a former key). Traced once on the system chain, with the figures."""
    current = current_key_id()
    resealed = former = 0
    rows = (Person.objects.exclude(id_number=None).order_by("pk")
            .annotate(sealed=Cast("id_number", models.TextField())))
    last = 0
    while True:
        people = list(rows.filter(pk__gt=last)[:batch])
        if not people:
            break
        for person in people:
            former += sealed_key_id(person.sealed) != current
            person.id_number_digest = id_number_digest(person.id_number or "")
            person.id_number_tail = (person.id_number or "")[-4:]
        Person.objects.bulk_update(people, ["id_number", *_DERIVED])
        resealed += len(people)
        last = people[-1].pk
    trail_append(chain=SYSTEM_CHAIN, actor=actor, action="update",
                 subject_type=Person._meta.label_lower, subject_id="",
                 subject_label="身份证号数据密钥轮换",
                 after={"重新加密条数": resealed, "原由旧密钥加密条数": former})
    return resealed, former
