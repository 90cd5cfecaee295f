"""R0.8: a bad file or a bad row imports nothing, and the page says which row and column."""

import datetime as dt
import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse

from dangjian.org.models import Body, Person, Post, Role
from dangjian.org.tests.test_excel_import import (
    BODY_HEADERS,
    PEOPLE_HEADERS,
    POST_HEADERS,
    Snapshot,
    new_id,
    person_row,
    post_file,
    problems,
    xlsx,
)

D = dt.date
UNIT, BRANCH = "县教育局", "县教育局第1党支部"


@pytest.fixture
def admin(county, login):
    return login(county.user(Role.WORK_COMMITTEE_ADMIN))


def refused(client, kind, data, name="导入.xlsx"):
    """Post the file; check nothing changed; return the problem list."""
    before = Snapshot()
    response = post_file(client, kind, data, name)
    found = problems(response)
    assert before.unchanged()
    html = response.content.decode()
    assert "未导入任何数据" in html
    for row, column, message in found:  # the page's table says it, row and column too
        assert f"<td>{row or '文件'}</td><td>{column or '—'}</td><td>{message}</td>" in html
    return found


def people_file(*rows):
    return xlsx(PEOPLE_HEADERS, list(rows))


# --- whole-file problems -----------------------------------------------------------------------


@pytest.mark.req("R0.8")
def test_wrong_headers_refused_for_the_file(county, admin):
    headers = ["名字", *PEOPLE_HEADERS[1:]]
    found = refused(admin, "people", xlsx(headers, [person_row("甲", UNIT)]))
    assert found[0][0] is None
    messages = " ".join(m for _, _, m in found)
    assert "缺少必填列：姓名" in messages and "无法识别的列：名字" in messages


@pytest.mark.req("R0.8")
def test_people_file_given_as_posts_is_refused(county, admin):
    found = refused(admin, "posts", people_file(person_row("甲", UNIT)))
    assert "缺少必填列" in found[0][2]


@pytest.mark.req("R0.8")
@pytest.mark.parametrize(("data", "expected"), [
    (b"\xe5\xa7\x93\xe5\x90\x8d,\xe6\x80\xa7\xe5\x88\xab\n", "不是Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, ".xls"),
    (b"PK\x03\x04not really a zip", "无法读取"),
    (b"", "空"),
])
def test_non_xlsx_files_refused(county, admin, data, expected):
    found = refused(admin, "people", data, name="名单.xlsx")
    assert found[0][0] is None and expected in found[0][2]


@pytest.mark.req("R0.8")
def test_header_only_and_blank_workbooks_refused(county, admin):
    assert "没有数据行" in refused(admin, "people", xlsx(PEOPLE_HEADERS, []))[0][2]
    assert "表头" in refused(admin, "people", xlsx([], []))[0][2]


@pytest.mark.req("R0.8")
def test_too_many_rows_and_too_large_refused(county, admin, monkeypatch):
    import dangjian.org.excel.reading as reading

    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    rows = [person_row(f"人{i}", UNIT) for i in range(3)]
    assert "超过2行" in refused(admin, "people", people_file(*rows))[0][2]
    monkeypatch.setattr(reading, "MAX_BYTES", 1000)
    assert "文件过大" in refused(admin, "people", people_file(*rows))[0][2]


# --- row problems ------------------------------------------------------------------------------


@pytest.mark.req("R0.8", "R0.2")
def test_duplicate_id_in_file_and_in_database_and_bad_check_digit(county, admin):
    existing = county.depts[0].people[0].id_number
    good = new_id(21)
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    found = refused(admin, "people", people_file(
        person_row("甲", UNIT, BRANCH, good),
        person_row("乙", UNIT, BRANCH, good),
        person_row("丙", UNIT, BRANCH, existing),
        person_row("丁", UNIT, BRANCH, bad),
        person_row("戊", UNIT, BRANCH, 110101198804090011),
    ))
    assert (3, "身份证号", "与第2行的身份证号重复") in found
    assert (4, "身份证号", "该身份证号已在系统中登记") in found
    assert (5, "身份证号", "身份证号校验位不正确") in found
    assert any(r == 6 and c == "身份证号" and "文本格式" in m for r, c, m in found)
    assert len(found) == 4  # row 2 is fine


@pytest.mark.req("R0.8")
def test_unknown_body_bad_date_and_bad_choice(county, admin):
    found = refused(admin, "people", people_file(
        person_row("甲", "县不存在局", ""),
        person_row("乙", UNIT, BRANCH, 入党日期="2010年13月1日"),
        person_row("丙", UNIT, BRANCH, 入党日期="去年"),
        person_row("丁", UNIT, BRANCH, 政治面貌="党员", 性别=""),
        person_row("戊", UNIT, "不存在的支部"),
    ))
    assert (2, "所在单位", "系统中没有名称或机构代码为“县不存在局”的组织") in found
    assert (3, "入党日期", "“2010年13月1日”不是有效日期") in found
    assert any(r == 4 and c == "入党日期" and "YYYY-MM-DD" in m for r, c, m in found)
    assert (5, "性别", "必填，不能为空") in found
    assert any(r == 5 and c == "政治面貌" and "中共预备党员" in m for r, c, m in found)
    assert any(r == 6 and c == "所在党组织" and "不存在的支部" in m for r, c, m in found)


@pytest.mark.req("R0.8")
def test_service_refusal_after_good_rows_rolls_everything_back(county, admin):
    """Row 2 is written, row 3 is refused by person_create: row 2 must not stay."""
    found = refused(admin, "people", people_file(
        person_row("好人", UNIT, BRANCH, new_id(31)),
        person_row("缺支部", UNIT, "", new_id(32), 政治面貌="中共党员"),
        person_row("单位错", BRANCH, BRANCH),
    ))
    assert (3, "所在党组织", "党员须填写所在党组织") in found
    assert (4, "所在单位", "所在单位应为部门（单位）") in found
    assert not Person.objects.filter(name="好人").exists()


@pytest.mark.req("R0.8")
def test_problem_list_downloadable_as_xlsx(county, admin):
    response = post_file(admin, "people", people_file(person_row("甲", "县不存在局")))
    job = response.context["job"]
    url = reverse("jobs:output", args=[job.pk])
    assert url in response.content.decode()
    download = admin.get(url)
    assert "导入问题-人员.xlsx" in unquote(download["Content-Disposition"])
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [c.value for c in ws[1]] == ["行", "列", "问题"]
    assert [c.value for c in ws[2]][:2] == [2, "所在单位"]


@pytest.mark.req("R0.8")
def test_bodies_parent_must_come_first_and_codes_unique(county, admin):
    found = refused(admin, "bodies", xlsx(BODY_HEADERS, [
        ["县审计局第一党支部", "", "", "党支部", "中共县审计局机关委员会", "2021-01-01", None],
        ["中共县审计局机关委员会", "", "", "机关党委", "县审计局", "2021-01-01", None],
        ["县审计局", "", "SJ01", "部门（单位）", "中共示范县委员会", "2021-01-01", None],
        ["县审计局二", "", "SJ01", "部门（单位）", "中共示范县委员会", "2021-01-01", None],
        ["县审计局三", "", "", "党支部", "中共示范县委员会", "2021-01-01", None],
        ["县审计局四", "", "", "部门", "中共示范县委员会", "2021-01-01", "第一"],
    ]))
    assert (2, "上级", "上级“中共县审计局机关委员会”在第3行，须排在本行之前") in found
    assert (3, "上级", "上级“县审计局”在第4行，须排在本行之前") in found
    assert (5, "机构代码", "与第4行的机构代码重复") in found
    assert any(r == 6 and c == "上级" and "党支部" in m for r, c, m in found)  # from body_create
    assert any(r == 7 and c == "类型" for r, c, _ in found)
    assert (7, "排序", "应为整数") in found
    assert not Body.objects.filter(code="SJ01").exists()


@pytest.mark.req("R0.8", "R0.3")
def test_posts_clash_within_file_and_unknown_person(county, admin):
    a = county.depts[0]
    first, second = a.people[3], a.people[4]
    found = refused(admin, "posts", xlsx(POST_HEADERS, [
        [first.name, first.id_number, a.branches[1].name, "党组织书记", "", "2022-01-01", None],
        [second.name, second.id_number, a.branches[1].name, "党组织书记", "", "2022-06-01", None],
        ["查无此人", "", a.branches[1].name, "党组织委员", "", "2022-01-01", None],
        [first.name, first.id_number, a.branches[1].name, "党组织委员", "", "2022-01-01",
         "2021-01-01"],
        ["别名", first.id_number, a.branches[1].name, "党组织委员", "", "2022-01-01", None],
        [first.name, first.id_number[:4] + "*" * 10 + first.id_number[-4:], a.branches[1].name,
         "党组织委员", "", "2022-01-01", None],
    ]))
    assert any(r == 3 and c == "任职日期" and first.name in m for r, c, m in found)
    assert any(r == 4 and c == "姓名" and "查无此人" in m for r, c, m in found)
    assert (5, "免职日期", "免职日期不能早于任职日期") in found
    assert any(r == 6 and c == "姓名" and first.name in m for r, c, m in found)
    assert any(r == 7 and c == "身份证号" and "脱敏" in m for r, c, m in found)
    assert not Post.objects.filter(body=a.branches[1]).exists()


# --- scope -------------------------------------------------------------------------------------


@pytest.mark.req("R0.8", "R0.4")
def test_row_outside_importers_scope_refuses_whole_file(county, login):
    """A branch secretary may import people into their branch only."""
    client = login(county.user(Role.ORG_SECRETARY))
    other = county.depts[1]
    found = refused(client, "people", people_file(
        person_row("本支部", UNIT, BRANCH, new_id(41)),
        person_row("他支部", UNIT, "县教育局第2党支部", new_id(42)),
        person_row("外单位", other.unit.name, other.branches[0].name,
                   county.depts[0].people[0].id_number),
    ))
    assert found == [
        (3, "所在党组织", "“县教育局第2党支部”不在您的管理范围内"),
        # out of scope: only that is said, not that the ID number is taken
        (4, "所在党组织", f"“{other.branches[0].name}”不在您的管理范围内"),
    ]
    assert not Person.objects.filter(name="本支部").exists()


@pytest.mark.req("R0.8", "R0.4")
def test_posts_outside_scope_refused(county, login):
    client = login(county.user(Role.LEADING_GROUP_SECRETARY))
    a, b = county.depts[0], county.depts[1]
    found = refused(client, "posts", xlsx(POST_HEADERS, [
        [a.people[3].name, a.people[3].id_number, a.branches[1].name, "党组织书记", "",
         "2022-01-01", None],
        [a.people[3].name, a.people[3].id_number, b.branches[1].name, "党组织委员", "",
         "2022-01-01", None],
    ]))
    assert found == [(3, "组织机构", f"“{b.branches[1].name}”不在您的管理范围内")]


@pytest.mark.req("R0.8", "R0.4")
def test_bodies_import_needs_structure_right_and_unknown_kind_404(county, login):
    client = login(county.user(Role.ORG_SECRETARY))
    data = xlsx(BODY_HEADERS, [["新支部", "", "", "党支部", BRANCH, "2021-01-01", None]])
    assert post_file(client, "bodies", data).status_code == 403
    assert post_file(client, "units", data).status_code == 404
    response = client.post(reverse("org:import"), {"kind": "people"})
    assert response.status_code == 400 and "请选择要导入的Excel" in response.content.decode()
    assert not Body.objects.filter(name="新支部").exists()


@pytest.mark.req("R0.8")
def test_same_file_imported_twice_is_refused_the_second_time(county, admin):
    bodies = xlsx(BODY_HEADERS, [
        ["县审计局", "", "", "部门（单位）", "中共示范县委员会", "2021-01-01", None],
        ["县审计局党组", "", "", "党组", "县审计局", "2021-01-01", None],
        ["县审计局党组", "", "", "党组", "县审计局", "2021-01-01", None],
    ])
    assert (4, "名称", "与第3行重复（同一上级下的同名组织）") in refused(admin, "bodies", bodies)
    bodies = xlsx(BODY_HEADERS, [["县审计局", "", "", "部门（单位）", "中共示范县委员会",
                                  "2021-01-01", None]])
    assert post_file(admin, "bodies", bodies).status_code == 302
    assert refused(admin, "bodies", bodies) == [(2, "名称", "“中共示范县委员会”下已有“县审计局”")]

    people = people_file(person_row("无号甲", UNIT, BRANCH), person_row("无号乙", UNIT, BRANCH))
    assert post_file(admin, "people", people).status_code == 302
    found = refused(admin, "people", people)
    assert [(r, c) for r, c, _ in found] == [(2, "身份证号"), (3, "身份证号")]
    assert "已有在册人员“无号甲”" in found[0][2]

    a = county.depts[0]
    posts = xlsx(POST_HEADERS, [
        ["无号甲", "", a.leading_group.name, "党组成员", "", "2022-01-01", None],
    ])
    assert post_file(admin, "posts", posts).status_code == 302
    assert refused(admin, "posts", posts) == [
        (2, "任职日期", "该任职记录已在系统中（同一人员、组织、职务和任职日期）")]
