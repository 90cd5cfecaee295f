"""R0.8: importing bodies, people and posts from real .xlsx files through the real pages."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.jobs.testing import run_jobs
from dangjian.org.excel import SPECS
from dangjian.org.id_numbers import id_number_q
from dangjian.org.idcard import make_id_number
from dangjian.org.models import Body, BodyKind, Person, Post, PostKind, Role
from dangjian.trail.models import TrailEntry

D = dt.date
PEOPLE_HEADERS = [c.header for c in SPECS["people"].import_columns]
BODY_HEADERS = [c.header for c in SPECS["bodies"].import_columns]
POST_HEADERS = [c.header for c in SPECS["posts"].import_columns]


def xlsx(headers, rows, title="Sheet"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def post_file(client, kind, data, name="导入.xlsx"):
    """Upload the file, run the import job it queues, and return: the redirect to the job's
    page when everything was imported, else the job's page with the problems."""
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    response = client.post(reverse("org:import"), {"kind": kind, "file": upload})
    if response.status_code != 302:
        return response
    run_jobs()
    page = client.get(response.url)
    return response if page.context["result"].get("ok") else page


def problems(response):
    assert response.status_code == 200, response.status_code
    result = response.context["result"]
    assert not result["ok"]
    return [tuple(p) for p in result["problems"]]


def person_row(name, unit, branch="", id_number="", **over):
    values = {
        "姓名": name, "性别": "女", "出生日期": None, "身份证号": id_number, "学历": "大学本科",
        "专业": "会计", "行政职务": "科员", "职级": "",
        "政治面貌": "中共党员" if branch else "群众",
        "入党日期": D(2010, 7, 1) if branch else None, "所在单位": unit, "所在党组织": branch,
        "后备干部": "否", "党务干部": "否", "专兼职": "", "联系电话": "13900000000",
    }
    values.update(over)
    return [values[h] for h in PEOPLE_HEADERS]


def new_id(serial, birth=None):
    return make_id_number("110101", birth or D(1988, 4, 9), serial)


class Snapshot:
    """Row counts that an import that fails must leave exactly as they were."""

    def __init__(self):
        self.counts = self.take()

    @staticmethod
    def take():
        return (Body.objects.count(), Person.objects.count(), Post.objects.count(),
                TrailEntry.objects.count())

    def unchanged(self):
        return self.take() == self.counts


@pytest.fixture
def admin(county, login):
    return login(county.user(Role.WORK_COMMITTEE_ADMIN))


# --- templates ---------------------------------------------------------------------------------


@pytest.mark.req("R0.8")
@pytest.mark.parametrize("kind", ["bodies", "people", "posts"])
def test_template_has_headers_notes_and_dropdowns(county, admin, kind):
    response = admin.get(reverse("org:import_template", args=[kind]))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    data, notes = wb.worksheets[0], wb["说明"]
    spec = SPECS[kind]
    assert [c.value for c in data[1]] == [c.header for c in spec.import_columns]
    assert data.max_row == 1  # no example rows where data goes
    assert data.freeze_panes == "A2" and data["A1"].font.b
    choice_columns = [c for c in spec.import_columns if c.labels()]
    assert len(data.data_validations.dataValidation) == len(choice_columns)
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    assert "YYYY-MM-DD" in text and "填写示例" in text
    for column in choice_columns:
        assert "、".join(column.labels()) in text
    if kind == "people":
        assert "中共预备党员" in text and "大学本科" in text


@pytest.mark.req("R0.8")
def test_template_unknown_kind_404_and_readers_refused(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    assert client.get(reverse("org:import_template", args=["users"])).status_code == 404
    assert client.get(reverse("org:export", args=["users"])).status_code == 404
    for role in (Role.DISCIPLINE_COMMISSION, Role.MEMBER):
        client = login(county.user(role))
        assert client.get(reverse("org:import_template", args=["people"])).status_code == 403
        assert client.get(reverse("org:import")).status_code == 403


@pytest.mark.req("R0.8")
def test_template_filled_in_imports(county, admin):
    """The downloaded template itself, filled in, goes back in."""
    data = admin.get(reverse("org:import_template", args=["people"])).content
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb.worksheets[0].append(person_row("模板人", "县教育局", "县教育局第1党支部", new_id(1)))
    buf = io.BytesIO()
    wb.save(buf)
    response = post_file(admin, "people", buf.getvalue())
    assert response.status_code == 302
    assert Person.objects.filter(id_number_q([new_id(1)]), name="模板人").exists()


# --- good files --------------------------------------------------------------------------------


@pytest.mark.req("R0.8", "R0.7")
def test_people_file_imports_every_row_with_trace(county, admin):
    rows = [
        person_row("导入甲", "县教育局", "县教育局第1党支部", new_id(11)),
        person_row("导入乙", "县教育局", "", new_id(12, D(1990, 5, 2)), 出生日期=D(1990, 5, 2),
                   学历="研究生", 后备干部="是"),
        person_row("导入丙", "县财政局", "县财政局第2党支部", "", 党务干部="是", 专兼职="兼职",
                   政治面貌="中共预备党员", 入党日期="2023-06-30"),
    ]
    response = post_file(admin, "people", xlsx(PEOPLE_HEADERS, rows))
    assert response.status_code == 302
    page = admin.get(response.url)
    assert "已导入3条" in page.content.decode()
    a = Person.objects.get(name="导入甲")
    assert a.id_number == new_id(11) and a.birth_date == D(1988, 4, 9)  # from the ID number
    assert a.branch == county.depts[0].branches[0] and a.political_status == "member"
    b = Person.objects.get(name="导入乙")
    assert b.branch is None and b.education == "postgraduate" and b.is_reserve_cadre
    c = Person.objects.get(name="导入丙")
    assert c.is_party_cadre and c.cadre_type == "part_time" and c.party_join_date == D(2023, 6, 30)
    assert c.id_number is None and c.unit == county.depts[1].unit
    traced = TrailEntry.objects.filter(action="create", subject_type="org.person",
                                       subject_id__in=[str(p.pk) for p in (a, b, c)])
    assert traced.count() == 3
    assert traced.get(subject_id=str(a.pk)).actor == county.user(Role.WORK_COMMITTEE_ADMIN)


@pytest.mark.req("R0.8", "R0.7")
def test_bodies_file_imports_with_parents_from_earlier_rows(county, admin):
    rows = [
        ["县审计局", "审计局", "SJ01", "部门（单位）", "中共示范县委员会", D(2021, 1, 1), 5],
        ["中共县审计局机关支部委员会", "", "", "机关党委", "SJ01", "2021-01-01", None],
        ["县审计局第一党支部", "", "SJ0101", "党支部", "中共县审计局机关支部委员会", "2021/3/1", 1],
        ["中共县审计局党组", "", "", "党组", "县审计局", "2021-01-01", None],
    ]
    response = post_file(admin, "bodies", xlsx(BODY_HEADERS, rows))
    assert response.status_code == 302, response.context and response.context.get("problems")
    unit = Body.objects.get(code="SJ01")
    assert unit.parent == county.root and unit.short_name == "审计局" and unit.sort_order == 5
    branch = Body.objects.get(code="SJ0101")
    assert branch.parent.parent == unit and branch.path.startswith(unit.path)
    assert branch.valid_from == D(2021, 3, 1) and branch.kind == BodyKind.BRANCH
    lg = Body.objects.get(name="中共县审计局党组")
    assert lg.parent == unit
    created = Body.objects.filter(path__startswith=unit.path)
    assert created.count() == 4
    assert TrailEntry.objects.filter(
        action="create", subject_type="org.body",
        subject_id__in=[str(b.pk) for b in created]).count() == 4


@pytest.mark.req("R0.8", "R0.7")
def test_posts_file_imports_by_id_number_or_unique_name(county, admin):
    a = county.depts[0]
    holder, member = a.people[3], a.people[5]
    rows = [
        [holder.name, holder.id_number, a.branches[1].name, "党组织书记", "", "2022-01-01", None],
        [member.name, "", a.leading_group.name, "党组成员", "分管党建", D(2021, 5, 1), None],
        [member.name, member.id_number, a.branches[1].name, "党组织委员", "", "2020-02-01",
         "2021-12-31"],
    ]
    response = post_file(admin, "posts", xlsx(POST_HEADERS, rows))
    assert response.status_code == 302
    secretary = Post.objects.get(body=a.branches[1], kind=PostKind.ORG_SECRETARY)
    assert secretary.person == holder and secretary.start == D(2022, 1, 1)
    lg = Post.objects.get(body=a.leading_group, person=member)
    assert lg.kind == PostKind.LEADING_GROUP_MEMBER and lg.portfolio == "分管党建"
    ended = Post.objects.get(body=a.branches[1], person=member)
    assert ended.end == D(2021, 12, 31)
    assert TrailEntry.objects.filter(action="create", subject_type="org.post",
                                     subject_id__in=[str(p.pk) for p in (secretary, lg, ended)]
                                     ).count() == 3
