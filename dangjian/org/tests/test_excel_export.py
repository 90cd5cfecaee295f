"""R0.8: exports of the scoped lists open in openpyxl, mask ID numbers for readers, and an
export of people or posts imports again as it was."""

import datetime as dt
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangjian.org.excel import SPECS
from dangjian.org.models import Body, BodyKind, Person, Post, PostKind, Role
from dangjian.org.services import body_create, person_leave, post_assign, post_end
from dangjian.org.tests.test_excel_import import post_file, problems
from dangjian.testing import START, make_person


def download(client, what, **params):
    response = client.get(reverse("org:export", args=[what]), params)
    assert response.status_code == 200, response.status_code
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    return response, ws, rows[0], rows[1:]


def column(headers, rows, name):
    i = headers.index(name)
    return [r[i] for r in rows]


@pytest.mark.req("R0.8")
def test_people_export_headers_rows_and_file_name(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    response, ws, headers, rows = download(client, "people")
    assert headers == [c.header for c in SPECS["people"].columns]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert ws.column_dimensions["A"].width == SPECS["people"].columns[0].width
    today = timezone.localdate().strftime("%Y-%m-%d")
    assert f"filename*=UTF-8''{quote(f'人员名单-{today}.xlsx')}" in response["Content-Disposition"]
    people = Person.objects.filter(left_on__isnull=True)
    assert sorted(column(headers, rows, "姓名")) == sorted(p.name for p in people)
    assert sorted(column(headers, rows, "身份证号")) == sorted(p.id_number for p in people)
    first = county.depts[0].people[0]
    row = rows[column(headers, rows, "姓名").index(first.name)]
    record = dict(zip(headers, row, strict=True))
    assert record["所在单位"] == "县教育局" and record["所在党组织"] == "县教育局第1党支部"
    assert record["政治面貌"] == "中共党员" and record["党务干部"] == "否"
    assert record["出生日期"].date() == first.birth_date


@pytest.mark.req("R0.8", "R0.4", "R0.2")
def test_read_only_county_role_gets_masked_id_numbers(county, login):
    client = login(county.user(Role.DISCIPLINE_COMMISSION))
    _, _, headers, rows = download(client, "people")
    numbers = column(headers, rows, "身份证号")
    assert len(numbers) == Person.objects.count()
    real = set(Person.objects.values_list("id_number", flat=True))
    assert all("*" * 10 in n and n not in real for n in numbers)
    _, _, headers, rows = download(client, "posts")
    assert all("*" in n for n in column(headers, rows, "身份证号"))


@pytest.mark.req("R0.8", "R0.4")
def test_branch_secretary_exports_only_their_branch(county, login):
    client = login(county.user(Role.ORG_SECRETARY))
    branch = county.depts[0].branches[0]
    mine = Person.objects.filter(branch=branch)
    _, _, headers, rows = download(client, "people")
    assert sorted(column(headers, rows, "姓名")) == sorted(p.name for p in mine)
    assert sorted(column(headers, rows, "身份证号")) == sorted(p.id_number for p in mine)
    _, _, headers, rows = download(client, "posts")
    assert column(headers, rows, "组织机构") == [branch.name]
    _, _, headers, rows = download(client, "bodies")
    assert column(headers, rows, "名称") == [branch.name]
    other = county.depts[1].branches[0]
    assert client.get(reverse("org:export", args=["people"]), {"body": other.pk}
                      ).status_code == 404


@pytest.mark.req("R0.8", "R0.4")
def test_discipline_member_reads_department_masked(county, login):
    client = login(county.user(Role.DISCIPLINE_MEMBER))
    _, _, headers, rows = download(client, "people")
    assert len(rows) == len(county.depts[0].people)
    assert all("*" in n for n in column(headers, rows, "身份证号"))
    assert login(county.user(Role.MEMBER)).get(
        reverse("org:export", args=["people"])).status_code == 403


@pytest.mark.req("R0.8")
def test_export_filters_match_the_list_pages(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    a = county.depts[0]
    _, _, headers, rows = download(client, "people", body=a.branches[1].pk)
    assert sorted(column(headers, rows, "姓名")) == sorted(
        p.name for p in Person.objects.filter(branch=a.branches[1]))
    _, _, headers, rows = download(client, "people", q="县财", political_status="member")
    assert len(rows) == 6 and all(n.startswith("县财") for n in column(headers, rows, "姓名"))
    _, _, headers, rows = download(client, "posts", kind="lg_secretary")
    assert sorted(column(headers, rows, "组织机构")) == sorted(
        [a.leading_group.name, county.depts[1].leading_group.name])
    _, _, headers, rows = download(client, "bodies", kind="branch", body=a.unit.pk)
    assert sorted(column(headers, rows, "名称")) == sorted(b.name for b in a.branches)
    _, _, headers, rows = download(client, "bodies")
    names = column(headers, rows, "名称")
    for body in Body.objects.exclude(parent=None):  # a parent before its children
        assert names.index(body.parent.name) < names.index(body.name)


@pytest.mark.req("R0.8")
@pytest.mark.parametrize("kind", ["bodies", "people", "posts"])
def test_export_queries_do_not_grow_with_rows(county, login, kind):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    url = reverse("org:export", args=[kind])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    a = county.depts[0]
    for i in range(8):
        person = make_person(a.unit, a.branches[1], f"加{i}号")
        branch = body_create(actor=None, name=f"加{i}支部", kind=BodyKind.BRANCH,
                             parent=a.committee, valid_from=START, check_scope=False)
        post_assign(actor=None, person=person, body=branch, kind=PostKind.ORG_SECRETARY,
                    start=START, check_scope=False)
    with CaptureQueriesContext(connection) as more:
        response = client.get(url)
    assert response.status_code == 200
    assert len(more) == len(few)


def _clear_people(unit):
    """Make room for re-importing a department's people without deleting rows other modules
    may point at: the old records become anonymous, numberless and left, in a dissolved
    body of their own, so the unit's current list is empty (a fresh body list)."""
    attic = Body.objects.create(name="旧人员", kind=BodyKind.UNIT, parent=None,
                                valid_from=START, valid_to=START, path="/attic/")
    Person.objects.filter(unit=unit).update(
        name="旧", id_number=None, id_number_digest=None, id_number_tail="", left_on=START,
        unit=attic, branch=None)


def _person_fields(p):
    return (p.name, p.gender, p.birth_date, p.id_number, p.education, p.political_status,
            p.party_join_date, p.unit_id, p.branch_id, p.is_reserve_cadre, p.is_party_cadre,
            p.cadre_type, p.phone)


@pytest.mark.req("R0.8")
def test_people_round_trip_into_a_fresh_body_list(county, login):
    """Export a department's people, empty the registry of them (the same bodies, no people:
    a fresh body list), import the export: everyone comes back as they were."""
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    unit = county.depts[0].unit
    Person.objects.filter(pk=county.depts[0].people[0].pk).update(
        is_party_cadre=True, cadre_type="full_time", education="college", phone="0371-1234")
    response, *_ = download(client, "people", body=unit.pk)
    before = sorted(_person_fields(p) for p in Person.objects.filter(unit=unit))
    _clear_people(unit)
    assert not Person.objects.filter(unit=unit).exists()
    result = post_file(client, "people", response.content)
    assert result.status_code == 302, result.context and result.context["result"]
    assert sorted(_person_fields(p) for p in Person.objects.filter(unit=unit)) == before


@pytest.mark.req("R0.8", "R0.3")
def test_posts_round_trip(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    response, *_ = download(client, "posts")
    before = sorted(Post.objects.values_list("person_id", "body_id", "kind", "start", "end"))
    Post.objects.all().delete()
    result = post_file(client, "posts", response.content)
    assert result.status_code == 302, result.context and result.context["result"]
    after = sorted(Post.objects.values_list("person_id", "body_id", "kind", "start", "end"))
    assert after == before and len(after) == 4


@pytest.mark.req("R0.8")
def test_ended_records_only_on_request_and_not_importable_as_such(county, login):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    client = login(admin)
    a = county.depts[0]
    gone = a.people[5]
    person_leave(actor=admin, person=gone, on=dt.date(2024, 3, 1), reason="调出")
    post = Post.objects.get(body=a.branches[0])
    post_end(actor=admin, post=post, on=dt.date(2023, 1, 1))
    _, _, headers, rows = download(client, "people")
    assert gone.name not in column(headers, rows, "姓名")
    response, _, headers, rows = download(client, "people", include_left="true", body=a.unit.pk)
    record = dict(zip(headers, rows[column(headers, rows, "姓名").index(gone.name)], strict=True))
    assert record["调离日期"].date() == dt.date(2024, 3, 1)
    _, _, headers, rows = download(client, "posts")
    assert a.branches[0].name not in column(headers, rows, "组织机构")
    _, _, headers, rows = download(client, "posts", current="false")
    assert a.branches[0].name in column(headers, rows, "组织机构")
    _, _, headers, rows = download(client, "posts", on="2022-06-30")
    assert a.branches[0].name in column(headers, rows, "组织机构")
    # Re-importing someone who left is refused with the reason, and nothing is written.
    _clear_people(a.unit)
    result = post_file(client, "people", response.content)
    found = problems(result)
    assert len(found) == 1 and found[0][1] == "调离日期" and "导入时须为空" in found[0][2]
    assert not Person.objects.filter(unit=a.unit).exists()


@pytest.mark.req("R0.8")
def test_a_large_export_is_written_by_the_worker_and_offered_on_its_page(
        county, login, monkeypatch, settings, tmp_path):
    """Past EXPORT_INLINE_MAX rows the page queues org.export and sends the user to the job;
    the file the job keeps is a real workbook with every row, masked as the download is."""
    from dangjian.jobs.models import Job, JobState
    from dangjian.jobs.testing import run_jobs
    from dangjian.org.models import Person
    from dangjian.org.views import excel

    settings.MEDIA_ROOT = tmp_path / "files"
    client = login(county.user("wc_admin"))
    expected = Person.objects.filter(left_on__isnull=True).count()
    small = client.get(reverse("org:export", args=["people"]))
    assert small.status_code == 200 and small["Content-Type"].startswith("application/vnd")
    monkeypatch.setattr(excel, "EXPORT_INLINE_MAX", expected - 1)
    response = client.get(reverse("org:export", args=["people"]), {"political_status": ""})
    job = Job.objects.get(kind="org.export")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert run_jobs() == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    assert job.result["rows"] == expected
    page = client.get(job.get_absolute_url()).content.decode()
    assert f"已导出{expected}条人员记录" in page and reverse("jobs:output", args=[job.pk]) in page
    data = b"".join(client.get(reverse("jobs:output", args=[job.pk])).streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and len(rows) == expected + 1
    names = {r[0] for r in rows[1:]}
    assert names == set(Person.objects.filter(left_on__isnull=True).values_list("name", flat=True))
    assert sheet.freeze_panes == "A2"
