"""R0.8: files of thousands of people — written in batches, still all or nothing, traced per
person, with every problem reported by its row."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError

from dangjian.org.excel import SPECS, import_workbook
from dangjian.org.idcard import make_id_number, mask_id_number
from dangjian.org.models import Person, Role
from dangjian.org.services import ManyRefused, people_create_many
from dangjian.org.tests.test_excel_import import (
    PEOPLE_HEADERS,
    Snapshot,
    person_row,
    post_file,
    problems,
    xlsx,
)
from dangjian.trail.changes import changes_chain
from dangjian.trail.models import TrailEntry
from dangjian.trail.services import chain_names, trail_verify

D = dt.date
UNIT, BRANCH = "县教育局", "县教育局第1党支部"


def number(i):
    """A distinct valid ID number for each i (thousands of them)."""
    return make_id_number("320102", D(1970, 1, 1) + dt.timedelta(days=i // 500), i % 500)


def many_rows(n, start=0):
    return [person_row(f"批量{i}", UNIT, BRANCH if i % 4 else "", number(i))
            for i in range(start, start + n)]


@pytest.fixture
def admin(county, login):
    return login(county.user(Role.WORK_COMMITTEE_ADMIN))


@pytest.mark.req("R0.8")
def test_one_bad_row_among_thousands_writes_nothing(county, admin):
    """Rows 2–2,901 pass every check; row 2,902 is refused by the person service itself,
    after two batches of a thousand have been written: those must go too."""
    rows = many_rows(3000)
    rows[2900] = person_row("缺支部", UNIT, "", number(2900), 政治面貌="中共党员")
    before = Snapshot()
    found = problems(post_file(admin, "people", xlsx(PEOPLE_HEADERS, rows)))
    assert found == [(2902, "所在党组织", "党员须填写所在党组织")]
    assert before.unchanged()
    assert not Person.objects.filter(name__startswith="批量").exists()


@pytest.mark.req("R0.8")
def test_every_problem_is_reported_though_later_batches_are_only_checked(county, admin):
    """Row 3 fails the file's own checks, row 1,502 the service's, row 2,702 both: all three
    are listed (the batches after a failure are checked, not written)."""
    rows = many_rows(2800)
    rows[1] = person_row("无单位", "县不存在局", "", number(1))
    rows[1500] = person_row("党员无支部", UNIT, "", number(1500), 政治面貌="中共党员")
    rows[2700] = person_row("非党员有入党日期", UNIT, "", number(2700), 入党日期="2010-07-01")
    before = Snapshot()
    found = problems(post_file(admin, "people", xlsx(PEOPLE_HEADERS, rows)))
    assert found == [
        (3, "所在单位", "系统中没有名称或机构代码为“县不存在局”的组织"),
        (1502, "所在党组织", "党员须填写所在党组织"),
        (2702, "入党日期", "非党员不应填写入党日期"),
    ]
    assert before.unchanged()


@pytest.mark.req("R0.8")
def test_duplicates_within_the_file_and_against_the_database_are_reported_by_row(county, admin):
    rows = many_rows(2500)
    existing = county.depts[0].people[0].id_number
    rows[1500] = person_row("重号", UNIT, BRANCH, number(3))   # row 1,502 repeats row 5
    rows[2400] = person_row("已在册", UNIT, BRANCH, existing)  # row 2,402
    before = Snapshot()
    found = problems(post_file(admin, "people", xlsx(PEOPLE_HEADERS, rows)))
    assert found == [
        (1502, "身份证号", "与第5行的身份证号重复"),
        (2402, "身份证号", "该身份证号已在系统中登记"),
    ]
    assert before.unchanged()


@pytest.mark.req("R0.8", "R0.7")
def test_trace_has_an_entry_per_person_with_masked_numbers_and_chains_verify(county, admin):
    rows = many_rows(1500)
    response = post_file(admin, "people", xlsx(PEOPLE_HEADERS, rows))
    assert response.status_code == 302
    people = {str(p.pk): p for p in Person.objects.filter(name__startswith="批量")}
    assert len(people) == 1500
    entries = list(TrailEntry.objects.filter(subject_type="org.person", action="create",
                                             subject_id__in=people))
    assert len(entries) == 1500 and {e.subject_id for e in entries} == set(people)
    actor = county.user(Role.WORK_COMMITTEE_ADMIN)
    for entry in entries:
        person = people[entry.subject_id]
        assert entry.actor == actor and entry.note == "Excel导入"
        assert entry.subject_label == person.name
        assert entry.after["身份证号"] == mask_id_number(person.id_number)
        assert entry.after["姓名"] == person.name and entry.after["所在单位"] == UNIT
        assert person.id_number not in json.dumps(entry.after, ensure_ascii=False)
        assert entry.chain == changes_chain(entry.scope_path)
        assert entry.scope_path == (person.branch or person.unit).path
    for chain in chain_names():
        result = trail_verify(chain=chain)
        assert result.ok, (chain, result)


@pytest.mark.req("R0.8")
def test_progress_is_told_of_rows_read_checked_and_written(county):
    seen = []
    data = xlsx(PEOPLE_HEADERS, many_rows(2500))
    result = import_workbook(actor=county.user(Role.WORK_COMMITTEE_ADMIN), spec=SPECS["people"],
                             upload=io.BytesIO(data), size=len(data),
                             progress=lambda *a: seen.append(a))
    assert result.ok and result.created == 2500
    assert ("读取", 1000, 0) in seen and ("读取", 2000, 0) in seen
    assert ("校验", 2500, 2500) in seen
    written = [done for stage, done, _ in seen if stage == "写入"]
    assert written == sorted(written) and written[-1] == 2500 and len(set(written)) >= 3
    assert [s for s, *_ in seen] == sorted((s for s, *_ in seen),
                                           key=["读取", "校验", "写入"].index)


@pytest.mark.req("R0.8")
def test_people_create_many_refuses_by_item_and_writes_nothing(county):
    a = county.depts[0]
    good = {"name": "甲", "gender": "F", "political_status": "masses", "unit": a.unit}
    items = [
        {**good, "id_number": number(1)},
        {**good, "id_number": number(1)},  # the same number twice in one call
        {**good, "id_number": a.people[0].id_number},  # already registered
        {**good, "political_status": "member"},  # a member needs a branch
        {**good, "unit": a.branches[0]},  # a branch is not a unit
    ]
    before = Snapshot()
    with pytest.raises(ManyRefused) as caught:
        people_create_many(actor=county.user(Role.WORK_COMMITTEE_ADMIN), items=items)
    errors = caught.value.errors
    assert sorted(errors) == [1, 2, 3, 4]
    assert all(isinstance(e, ValidationError) for e in errors.values())
    assert "身份证号" in errors[1].message_dict["id_number"][0]
    assert "身份证号" in errors[2].message_dict["id_number"][0]
    assert errors[3].message_dict["branch"] == ["党员须填写所在党组织"]
    assert errors[4].message_dict["unit"] == ["所在单位应为部门（单位）"]
    assert before.unchanged()


@pytest.mark.req("R0.8")
def test_people_create_many_check_only_writes_nothing(county):
    item = {"name": "丙", "gender": "M", "political_status": "masses",
            "unit": county.depts[0].unit, "id_number": number(5)}
    before = Snapshot()
    checked = people_create_many(actor=None, check_scope=False, items=[item], check_only=True)
    assert checked[0].pk is None and checked[0].birth_date == D(1970, 1, 1)
    assert before.unchanged()


@pytest.mark.req("R0.8", "R0.3")
def test_people_create_many_checks_scope_like_person_create(county):
    a, b = county.depts[0], county.depts[1]
    secretary = county.user(Role.LEADING_GROUP_SECRETARY)  # their own department only
    own = {"name": "乙", "gender": "M", "political_status": "masses", "unit": a.unit}
    before = Snapshot()
    with pytest.raises(ManyRefused) as caught:
        people_create_many(actor=secretary, items=[own, {**own, "unit": b.unit}])
    assert list(caught.value.errors) == [1]
    assert before.unchanged()
    created = people_create_many(actor=secretary, items=[own])
    assert created[0].pk and Person.objects.get(pk=created[0].pk).unit == a.unit
