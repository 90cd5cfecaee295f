"""ID numbers at rest: a copy of the database (the SQLite file with its -wal, or pg_dump) holds
none of them; lookups, uniqueness, the picker's last-4 search and exports still work; a changed
sealed value does not open; the data key rotates; the migration seals numbers already stored."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test import override_settings
from django.urls import reverse

from dangjian.core.crypto import SealBroken
from dangjian.jobs.testing import run_jobs
from dangjian.org.excel import SPECS
from dangjian.org.id_numbers import id_number_q
from dangjian.org.idcard import make_id_number
from dangjian.org.models import Person, Role
from dangjian.org.services import person_create
from dangjian.runner import command_line
from dangjian.testing_files import read_elsewhere
from dangjian.trail.models import TrailEntry

ID_NUMBER = re.compile(rb"\d{17}[\dXx]")
HASH_RUN = re.compile(rb"[0-9a-f]{32,}")  # the trail's SM3 digests are hex: not ID numbers
PEOPLE_HEADERS = [c.header for c in SPECS["people"].import_columns]
N_SERVICE, N_IMPORT = 40, 60


def _id(serial: int) -> str:
    return make_id_number("320100", dt.date(1986, 5, 17), serial)


def _import_rows(n: int) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(PEOPLE_HEADERS)
    for i in range(n):
        values = {
            "姓名": f"导入人{i:03d}", "性别": "女", "出生日期": None, "身份证号": _id(500 + i),
            "学历": "大学本科", "专业": "", "行政职务": "科员", "职级": "", "政治面貌": "群众",
            "入党日期": None, "所在单位": "县教育局", "所在党组织": "", "后备干部": "否",
            "党务干部": "否", "专兼职": "", "联系电话": "",
        }
        ws.append([values[h] for h in PEOPLE_HEADERS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _people_through_the_services(county, client) -> None:
    unit = county.depts[0].unit
    for i in range(N_SERVICE):
        person_create(actor=county.user(Role.WORK_COMMITTEE_ADMIN), name=f"服务人{i:03d}",
                      gender="M", id_number=_id(i), unit=unit, political_status="masses")
    upload = io.BytesIO(_import_rows(N_IMPORT))
    upload.name = "人员.xlsx"
    assert client.post(reverse("org:import"), {"kind": "people", "file": upload}).status_code == 302
    run_jobs()
    assert Person.objects.filter(name__startswith="导入人").count() == N_IMPORT


def _database_copy() -> bytes:
    """What someone who copies the database holds: the SQLite file and its -wal and -shm; or
    PostgreSQL's dump of the test database."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.close()  # nothing kept back in this process's cache
        name = Path(settings["NAME"])
        return read_elsewhere(name, Path(f"{name}-wal"), Path(f"{name}-shm"))
    args = ["pg_dump", "--no-owner", "-h", settings["HOST"] or "127.0.0.1",
            "-p", str(settings["PORT"] or 5432), "-U", settings["USER"] or "postgres",
            settings["NAME"]]
    return subprocess.run(args, check=True, capture_output=True, timeout=120).stdout


def _id_like(data: bytes) -> list[bytes]:
    """Runs of 17 digits and a digit or X in `data`, except inside a hex digest."""
    hashes = [m.span() for m in HASH_RUN.finditer(data)]
    return [m.group() for m in ID_NUMBER.finditer(data)
            if not any(a <= m.start() and m.end() <= b for a, b in hashes)]


@pytest.mark.req("R0.2")
@pytest.mark.django_db(transaction=True)
def test_a_copy_of_the_database_holds_no_id_number(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    _people_through_the_services(county, client)
    numbers = set(Person.objects.exclude(id_number=None).values_list("id_number", flat=True))
    assert len(numbers) >= N_SERVICE + N_IMPORT + 10
    dump = _database_copy()
    # The copy does hold those rows (their names), so a zero below is not an empty file's.
    assert "服务人039".encode() in dump and "导入人059".encode() in dump
    assert [n for n in numbers if n.encode() in dump] == []
    assert _id_like(dump) == []


@pytest.mark.req("R0.2")
def test_a_sealed_value_changed_in_the_database_does_not_open(county):
    person = county.depts[0].people[0]
    sealed = Person.objects.annotate(raw=Cast("id_number", TextField())).get(pk=person.pk).raw
    assert person.id_number not in sealed and sealed.startswith("s1.")
    flipped = sealed[:-3] + ("A" if sealed[-3] != "A" else "B") + sealed[-2:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE org_person SET id_number = %s WHERE id = %s", [flipped, person.pk])
    with pytest.raises(SealBroken):
        Person.objects.get(pk=person.pk)


@pytest.mark.req("R0.2")
def test_the_same_number_twice_is_refused_and_found_by_its_digest(county, login):
    person = county.depts[0].people[0]
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    with pytest.raises(ValidationError) as refused:
        person_create(actor=None, check_scope=False, name="重号", gender="M",
                      id_number=person.id_number.lower(), unit=county.depts[1].unit,
                      political_status="masses")
    assert "身份证号" in str(refused.value.message_dict["id_number"])
    assert list(Person.objects.filter(id_number_q([person.id_number]))) == [person]
    found = client.get(reverse("org:person_pick"), {"q": person.id_number[-4:]})
    assert person.name in found.content.decode()
    with pytest.raises(Exception, match="Unsupported lookup"):  # equality means nothing there
        Person.objects.filter(id_number=person.id_number).exists()


def _workbook_numbers(content: bytes) -> list[str]:
    ws = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    i = rows[0].index("身份证号")
    return [r[i] for r in rows[1:] if r[i]]


@pytest.mark.req("R0.2", "R0.8")
def test_an_export_with_full_numbers_is_traced_with_how_many(county, login):
    for role, full in ((Role.WORK_COMMITTEE_ADMIN, True), (Role.DISCIPLINE_COMMISSION, False)):
        before = TrailEntry.objects.filter(action="reveal").count()
        response = login(county.user(role)).get(reverse("org:export", args=["people"]))
        numbers = _workbook_numbers(response.content)
        unmasked = [n for n in numbers if "*" not in n]
        traces = list(TrailEntry.objects.filter(action="reveal").order_by("pk")[before:])
        if full:
            assert len(unmasked) == len(numbers) == Person.objects.exclude(id_number=None).count()
            assert [t.after for t in traces] == [
                {"导出": "人员名单", "完整身份证号条数": len(unmasked)}]
            assert traces[0].actor == county.user(role)
        else:
            assert unmasked == [] and traces == []


@pytest.mark.req("R0.2")
def test_rotate_data_key_reseals_every_number(county, settings):
    old = settings.DATA_KEY
    numbers = dict(Person.objects.exclude(id_number=None).values_list("pk", "id_number"))
    with override_settings(DATA_KEY="新密钥-" + "x" * 40, DATA_KEY_FALLBACKS=[old]):
        # Before the command: rows under the former key still open and are still found.
        some = next(iter(numbers.values()))
        assert Person.objects.filter(id_number_q([some])).count() == 1
        with pytest.raises(ValidationError):
            person_create(actor=None, check_scope=False, name="重号", gender="M",
                          id_number=some, unit=county.depts[1].unit, political_status="masses")
        out = io.StringIO()
        call_command(*command_line(["dangjian", "rotate-data-key"])[1:], stdout=out)
        assert out.getvalue().strip() == (
            f"已用当前数据密钥重新加密{len(numbers)}条身份证号（其中{len(numbers)}条原由旧密钥加密）。")
    with override_settings(DATA_KEY="新密钥-" + "x" * 40, DATA_KEY_FALLBACKS=[]):
        assert dict(Person.objects.exclude(id_number=None)
                    .values_list("pk", "id_number")) == numbers
        assert Person.objects.filter(id_number_q(numbers.values())).count() == len(numbers)
    with override_settings(DATA_KEY=old, DATA_KEY_FALLBACKS=[]), pytest.raises(SealBroken):
        list(Person.objects.exclude(id_number=None))  # nothing is left under the former key


@pytest.mark.req("R0.2")
def test_rotate_data_key_without_the_former_key_changes_nothing(county):
    before = list(Person.objects.annotate(raw=Cast("id_number", TextField()))
                  .values_list("raw", flat=True))
    with (override_settings(DATA_KEY="另一个密钥-" + "y" * 40, DATA_KEY_FALLBACKS=[]),
          pytest.raises(CommandError, match="未做任何改动")):
        call_command("rotate_data_key", stdout=io.StringIO())
    assert list(Person.objects.annotate(raw=Cast("id_number", TextField()))
                .values_list("raw", flat=True)) == before


def _sealing_migration() -> tuple[tuple[str, str], tuple[str, str]]:
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    key = next(k for k in graph.nodes if k[0] == "org"
               and k[1].endswith("_person_id_number_encrypted"))
    parent = next(p.key for p in graph.node_map[key].parents if p.key[0] == "org")
    return parent, key


def _migrate(target: tuple[str, str]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.req("R0.2")
@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_numbers_already_stored(county):
    before, after = _sealing_migration()
    people = {p.pk: p.id_number for p in Person.objects.all()}
    try:
        apps = _migrate(before)  # and back: the numbers opened into the plain column
        Old = apps.get_model("org", "Person")
        assert dict(Old.objects.values_list("pk", "id_number")) == people
        stored = Old.objects.create(name="旧数据", gender="F", id_number=_id(7)[:-1] + "x",
                                    unit_id=county.depts[0].unit.pk, political_status="masses")
        people[stored.pk] = _id(7)[:-1] + "X"  # sealed as the services store it: upper case
        apps = _migrate(after)
        New = apps.get_model("org", "Person")
        assert dict(New.objects.values_list("pk", "id_number")) == people
        assert {c.name for c in connection.introspection.get_table_description(
            connection.cursor(), "org_person")} >= {"id_number", "id_number_digest"}
        assert Person.objects.filter(id_number_q(people.values())).count() == len(
            [n for n in people.values() if n])
        tails = dict(Person.objects.values_list("pk", "id_number_tail"))
        assert tails == {pk: (n or "")[-4:] for pk, n in people.items()}
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # what a copy of the file holds now
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dump = _database_copy()
        assert [n for n in people.values() if n and n.encode() in dump] == []
    finally:
        _migrate(_latest())


def _latest() -> tuple[str, str]:
    executor = MigrationExecutor(connection)
    return next(k for k in executor.loader.graph.leaf_nodes() if k[0] == "org")
