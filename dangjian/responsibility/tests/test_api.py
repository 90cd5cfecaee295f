"""The 两个责任 API operation by operation: what each role may do, what is refused (403 with
the pages' message, 404 outside scope, 422 with field errors) and that a refusal changes
nothing; downloads are the pages' own files; the 纪实 cannot be edited or deleted."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from dangjian.documents.testing import zip_members
from dangjian.responsibility.models import (
    Case,
    DutyRecord,
    LedgerItem,
    ListStatus,
    ResponsibilityList,
    SpotCheck,
    Stage,
    TargetResult,
)
from dangjian.responsibility.services import list_start
from dangjian.trail.models import TrailEntry

API = "/api/responsibility"
JSON = "application/json"
NOT_FOUND = "记录不存在或不在您的权限范围内"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type=JSON)


def fields(response):
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def sheet(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


@pytest.mark.req("X.3", "R3.2")
def test_reviewer_and_owner_each_make_only_their_own_move(county, rlist, login):
    county_reader = login(county.user("county"))
    response = post(county_reader, f"{API}/lists/{rlist.pk}/accept")
    assert response.status_code == 403
    assert response.json()["detail"] == "您不是该清单的编制单位或审核单位"
    owner = login(county.user("lg_secretary"))
    response = post(owner, f"{API}/lists/{rlist.pk}/accept")
    assert response.status_code == 403
    assert response.json()["detail"] == "主体责任清单由县直机关工委审核"
    # 县纪委 reviews 监督责任清单 only.
    response = post(login(county.user("discipline")), f"{API}/lists/{rlist.pk}/accept")
    assert response.status_code == 403
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.SUBMITTED and rlist.reviews.count() == 1
    # A move the table does not have: 422 with the service's message.
    owner = login(county.user("lg_secretary"))
    response = post(owner, f"{API}/lists/{rlist.pk}/submit")
    assert response.status_code == 422
    assert fields(response) == {"__all__": "清单当前为“待审核”，不能变为“待审核”"}


@pytest.mark.req("X.3", "R0.4", "R3.3")
def test_out_of_scope_is_404_and_changes_nothing(county, year, rlist, item, login):
    other = list_start(actor=None, year=year, body=county.depts[1].committee,
                       check_scope=False)
    other_item = other.items.order_by("order")[0]
    client = login(county.user("lg_secretary"))
    traced = TrailEntry.objects.count()
    for method, url, data in [
        ("get", f"{API}/lists/{other.pk}", None),
        ("get", f"{API}/lists/{other.pk}/ledger.xlsx", None),
        ("get", f"{API}/items/{other_item.pk}", None),
        ("get", f"{API}/orgs/{county.depts[1].committee.pk}", None),
        ("post", f"{API}/lists/{other.pk}/submit", {}),
        ("post", f"{API}/lists/{other.pk}/items", {
            "content": "x", "targets": "x", "measures": "x", "deadline": f"{year.ends}"}),
        ("put", f"{API}/items/{other_item.pk}", {
            "content": "x", "targets": "x", "measures": "x", "deadline": f"{year.ends}"}),
        ("delete", f"{API}/items/{other_item.pk}", None),
        ("post", f"{API}/items/{other_item.pk}/records", {
            "summary": "x", "occurred_on": f"{timezone.localdate()}", "progress": 10}),
        ("post", f"{API}/orgs/{county.depts[1].committee.pk}/start", {}),
    ]:
        kwargs = {"content_type": JSON} if data is not None else {}
        response = getattr(client, method)(url, data, **kwargs) if data is not None \
            else getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.content)
        assert response.json()["detail"] == NOT_FOUND
    assert TrailEntry.objects.count() == traced
    assert other.items.count() == 5 and not DutyRecord.objects.exists()
    other.refresh_from_db()
    assert other.status == ListStatus.DRAFT
    # A member sees nothing of 两个责任, not even the org; ids that cannot exist are 404 too.
    member = login(county.user("member"))
    assert member.get(f"{API}/lists/{rlist.pk}").status_code == 404
    assert member.get(f"{API}/lists/{rlist.pk}/ledger.xlsx").status_code == 404
    assert member.get(f"{API}/overview").status_code == 403
    assert client.get(f"{API}/items/99999999999999999999").status_code == 404
    assert client.get(f"{API}/records/0").status_code == 404


@pytest.mark.req("X.3", "R3.3")
def test_a_duty_record_with_bad_input_is_422_by_field_and_writes_nothing(county, item, login):
    client = login(county.user("org_secretary"))
    url = f"{API}/items/{item.pk}/records"
    today = timezone.localdate()
    cases = [
        ({"summary": " ", "occurred_on": f"{today}", "progress": 10}, "summary"),
        ({"summary": "x", "occurred_on": "明天", "progress": 10}, "occurred_on"),
        ({"summary": "x", "occurred_on": f"{today.replace(year=today.year + 1)}",
          "progress": 10}, "occurred_on"),
        ({"summary": "x", "occurred_on": f"{today}", "progress": 101}, "progress"),
        ({"summary": "x", "occurred_on": f"{today}", "progress": 10 ** 30}, "progress"),
        ({"summary": "x\x00", "occurred_on": f"{today}", "progress": 10}, "summary"),
        ({"summary": "x", "occurred_on": f"{today}", "progress": 10, "corrects": 10 ** 12},
         "corrects"),
        ({"summary": "x", "occurred_on": f"{today}", "progress": 10,
          "files": [{"name": "a.png", "data": "不是base64"}]}, "files.0.data"),
        ({"summary": "x", "occurred_on": f"{today}", "progress": 10, "extra": 1}, "extra"),
        ({"occurred_on": f"{today}", "progress": 10}, "summary"),
    ]
    for data, field in cases:
        response = post(client, url, data)
        assert response.status_code == 422, (data, response.content)
        assert field in fields(response), (data, response.json())
    # Evidence that is not what its name says: refused whole, nothing on the chain.
    response = post(client, url, {"summary": "x", "occurred_on": f"{today}", "progress": 10,
                                  "files": [{"name": "照片.png", "data": "JVBERi0xLjQ="}]})
    assert response.status_code == 422
    assert not DutyRecord.objects.exists()
    assert not TrailEntry.objects.filter(chain__startswith="duty:").exists()
    item.refresh_from_db()
    assert item.progress == 0 and item.n_records == 0


@pytest.mark.req("X.3", "R3.3")
def test_duty_records_cannot_be_edited_or_deleted_through_the_api(county, item, login):
    client = login(county.user("lg_secretary"))
    made = post(client, f"{API}/items/{item.pk}/records", {
        "summary": "专题学习", "occurred_on": f"{timezone.localdate()}", "progress": 40})
    assert made.status_code == 201
    record = f"{API}/records/{made.json()['id']}"
    assert client.put(record, {"summary": "改"}, content_type=JSON).status_code == 405
    assert client.patch(record, {"summary": "改"}, content_type=JSON).status_code == 405
    assert client.delete(record).status_code == 405
    assert DutyRecord.objects.get().summary == "专题学习"
    # An item with records cannot be removed (the list is editable again once sent back).
    ResponsibilityList.objects.filter(pk=item.rlist_id).update(status=ListStatus.RETURNED)
    response = client.delete(f"{API}/items/{item.pk}")
    assert response.status_code == 422
    assert fields(response) == {"__all__": "该事项已有履责纪实，不能删除"}
    assert LedgerItem.objects.filter(pk=item.pk).exists()


@pytest.mark.req("X.3", "R3.2")
def test_ledger_edits_need_an_editable_list_and_valid_fields(county, year, rlist, item, login):
    client = login(county.user("lg_secretary"))
    data = {"content": "改", "targets": "改", "measures": "改", "deadline": f"{year.ends}"}
    response = client.put(f"{API}/items/{item.pk}", data, content_type=JSON)
    assert response.status_code == 422
    assert fields(response) == {"__all__": "清单当前为“待审核”，不能修改台账"}
    other = county.depts[1].people[0]
    ResponsibilityList.objects.filter(pk=rlist.pk).update(status=ListStatus.RETURNED)
    response = client.put(f"{API}/items/{item.pk}", {
        **data, "deadline": f"{year.year - 1}-12-31", "content": " "}, content_type=JSON)
    assert response.status_code == 422
    assert fields(response) == {"content": "请填写责任内容",
                                "deadline": f"完成时限不能早于{year.year}年1月1日（本年度开始）"}
    # A responsible person outside the department, out of the secretary's sight: 404.
    response = client.put(f"{API}/items/{item.pk}", {**data, "responsible": other.pk},
                          content_type=JSON)
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.content != "改"
    # Someone who reads the list but does not keep it: 403.
    response = login(county.user("wc_admin")).put(f"{API}/items/{item.pk}", data,
                                                 content_type=JSON)
    assert response.status_code == 403 and response.json()["detail"] == "您无权修改该责任清单"


@pytest.mark.req("X.3", "R3.2")
@pytest.mark.today("2026-06-01")
def test_exports_are_the_pages_files(county, rlist, login):
    client = login(county.user("wc_admin"))
    for page, api in [
        (reverse("responsibility:list_xlsx", args=[rlist.pk]),
         f"{API}/lists/{rlist.pk}/ledger.xlsx"),
        (reverse("responsibility:overview_xlsx") + "?kind=primary",
         f"{API}/overview.xlsx?kind=primary"),
    ]:
        a, b = client.get(page), client.get(api)
        assert b.status_code == 200 and b["Content-Type"] == a["Content-Type"]
        assert b["Content-Disposition"] == a["Content-Disposition"]
        assert sheet(a.content) == sheet(b.content)
    rows = sheet(client.get(f"{API}/overview.xlsx?kind=primary").content)
    assert len(rows) == 1 + 2 and all(r[1] == "主体责任" for r in rows[1:])
    ledger = sheet(client.get(f"{API}/lists/{rlist.pk}/ledger.xlsx").content)
    assert ledger[0][0] == "序号" and len(ledger) == 1 + 5
    a = client.get(reverse("responsibility:list_docx", args=[rlist.pk]))
    b = client.get(f"{API}/lists/{rlist.pk}/ledger.docx")
    assert docx_text(a.content) == docx_text(b.content)
    assert "坚持把党的政治建设摆在首位" in docx_text(b.content)
    # The filter is the page's: the overview's rows and the API's agree.
    listed = client.get(f"{API}/overview", {"kind": "supervisory", "status": "none"}).json()
    assert listed["total"] == 2
    bad = client.get(f"{API}/overview", {"status": "bogus", "year": "2026x"})
    assert bad.status_code == 422 and {"status", "year"} <= set(fields(bad))
    assert client.get(f"{API}/overview", {"year": 1999}).status_code == 404


@pytest.mark.req("X.3", "R3.5")
def test_cases_escalate_one_step_at_a_time(county, year, login):
    body = county.depts[0].committee
    jiwei = login(county.user("discipline"))
    today = f"{timezone.localdate()}"
    step = {"held_on": today, "by_whom": "县纪委", "whom": "书记", "content": "提醒"}
    wrong = post(jiwei, f"{API}/orgs/{body.pk}/cases", {**step, "stage": "notice",
                                                        "problem": "纪实不及时"})
    assert wrong.status_code == 422 and "请填写越级处理的理由" in fields(wrong)["skip_reason"]
    opened = post(jiwei, f"{API}/orgs/{body.pk}/cases", {**step, "stage": "remind",
                                                         "problem": "纪实不及时"})
    assert opened.status_code == 201
    assert sorted(opened.json()["next_stages"]) == ["account", "notice", "resolved", "talk"]
    case_id = opened.json()["id"]
    skip = post(jiwei, f"{API}/cases/{case_id}/steps", {**step, "stage": "account"})
    assert skip.status_code == 422 and "须逐级进行" in fields(skip)["skip_reason"]
    talk = post(jiwei, f"{API}/cases/{case_id}/steps", {**step, "stage": "talk"})
    assert talk.status_code == 200 and talk.json()["stage"] == "talk"
    assert len(talk.json()["steps"]) == 2
    docx = jiwei.get(f"{API}/steps/{talk.json()['steps'][1]['id']}/record.docx")
    assert docx.status_code == 200 and "约谈记录" in docx_text(docx.content)
    # The organisation reads its case but cannot take a step.
    owner = login(county.user("lg_secretary"))
    assert owner.get(f"{API}/cases/{case_id}").json()["can_oversee"] is False
    refused = post(owner, f"{API}/cases/{case_id}/steps", {**step, "stage": "notice"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "只有县纪委、县直机关工委可以进行督查考评"
    assert Case.objects.get().stage == Stage.TALK
    listed = login(county.user("wc_admin")).get(f"{API}/cases", {"stage": "talk"}).json()
    assert [c["id"] for c in listed["items"]] == [case_id]
    assert login(county.user("lg_secretary")).get(f"{API}/cases").status_code == 403


@pytest.mark.req("X.3", "R3.4")
def test_spot_check_commit_draw_and_record_through_the_api(county, year, login):
    assert post(login(county.user("wc_admin")), f"{API}/spotchecks", {
        "title": "抽查", "strata": {"all": 1}}).status_code == 403
    jiwei = login(county.user("discipline"))
    bad = post(jiwei, f"{API}/spotchecks", {"title": "抽查", "strata": {"all": 99}})
    assert bad.status_code == 422 and "超过范围内的" in fields(bad)["strata"]
    jiwei = login(county.user("discipline"))
    made = post(jiwei, f"{API}/spotchecks", {"title": "年度抽查",
                                             "strata": {"primary": 1, "supervisory": 1},
                                             "seed": "公开种子"})
    assert made.status_code == 201
    check = made.json()
    assert check["seed"] == "" and "种子" not in jiwei.get(
        f"{API}/spotchecks/{check['id']}/data").json()
    drawn = post(jiwei, f"{API}/spotchecks/{check['id']}/draw").json()
    assert drawn["seed"] == "公开种子" and drawn["seed_ok"] and drawn["draw_ok"]
    again = post(jiwei, f"{API}/spotchecks/{check['id']}/draw")
    assert again.status_code == 422
    target = drawn["targets"][0]
    missing = post(jiwei, f"{API}/targets/{target['id']}/record", {
        "findings": "纪实滞后", "problems": ["纪实滞后"]})
    assert missing.status_code == 422 and fields(missing) == {
        "deadline": "发现问题时请填写整改时限"}
    recorded = post(jiwei, f"{API}/targets/{target['id']}/record", {
        "findings": "纪实滞后", "problems": ["纪实滞后"], "deadline": f"{year.ends}"})
    assert recorded.status_code == 200
    assert recorded.json()["result"] == TargetResult.PROBLEMS and recorded.json()["plan_id"]
    # Readers county-wide only: a department's secretary cannot see spot checks.
    owner = login(county.user("lg_secretary"))
    assert owner.get(f"{API}/spotchecks").status_code == 403
    assert owner.get(f"{API}/spotchecks/{check['id']}").status_code == 404
    assert SpotCheck.objects.count() == 1


@pytest.mark.req("X.3", "R3.3")
def test_chain_pages_operations_are_for_county_supervisors(county, item, login):
    owner = login(county.user("lg_secretary"))
    for url in (f"{API}/chains/verify", f"{API}/chains/checkpoints", f"{API}/chains/check"):
        response = post(owner, url, {"code": "x"} if url.endswith("check") else {})
        assert response.status_code == 403
        assert response.json()["detail"] == "仅县纪委、县直机关工委可以校验纪实留痕"
    jiwei = login(county.user("discipline"))
    bad = post(jiwei, f"{API}/chains/check", {"code": f"duty:1#{10 ** 30}:{'0' * 64}"})
    assert bad.status_code == 422 and fields(bad) == {
        "code": "检查点格式应为 duty:组织编号#序号:64位摘要"}
    first = post(jiwei, f"{API}/chains/checkpoints")
    second = post(jiwei, f"{API}/chains/checkpoints")
    assert first.status_code == 202 and first.json()["id"] == second.json()["id"]  # once
    assert jiwei.get(f"{API}/chains").json()["recent_jobs"][0]["kind"] == "trail.checkpoints"
    # Opening a case needs a 两个责任 organisation: a branch is not one (404).
    branch = county.depts[0].branches[0]
    response = post(jiwei, f"{API}/orgs/{branch.pk}/cases", {
        "stage": "remind", "held_on": f"{timezone.localdate()}", "by_whom": "县纪委",
        "whom": "书记", "content": "提醒", "problem": "x"})
    assert response.status_code == 404
    assert not Case.objects.exists()


@pytest.mark.req("X.3")
def test_openapi_documents_every_operation_in_chinese_with_typed_errors(db, client):
    doc = client.get("/api/openapi.json").json()
    ops = {(m, p): op for p, item in doc["paths"].items()
           if p.startswith("/api/responsibility/") for m, op in item.items()}
    assert len(ops) == 45
    for (method, path), op in ops.items():
        text = op["summary"] + op.get("description", "")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]), (method, path)
        assert len(text) > len(op["summary"]), (method, path)
        assert {"403", "404", "422"} <= set(op["responses"]), (method, path)
        assert any(t.startswith("两个责任") for t in op["tags"]), (method, path)
        ok = op["responses"].get("200") or op["responses"].get("201") \
            or op["responses"].get("202") or op["responses"].get("204")
        assert ok is not None, (method, path)
        if path.endswith((".xlsx", ".docx")):
            (media, body), = ok["content"].items()
            assert media.startswith("application/vnd.openxmlformats")
            assert body["schema"] == {"type": "string", "format": "binary"}
    # Request bodies carry examples (the services' field names).
    schemas = doc["components"]["schemas"]
    record = schemas["RecordIn"]["properties"]
    assert record["summary"]["examples"] and record["occurred_on"]["examples"]
    assert schemas["ListOut"]["examples"]


@pytest.mark.req("X.3", "R3.5", "R3.6")
def test_a_talk_with_evidence_and_its_documents(county, year, login):
    import base64

    from dangjian.testing import TINY_PNG

    body = county.depts[0].committee
    jiwei = login(county.user("discipline"))
    png = base64.b64encode(TINY_PNG).decode()
    opened = post(jiwei, f"{API}/orgs/{body.pk}/cases", {
        "stage": "talk", "held_on": f"{timezone.localdate()}", "by_whom": "县纪委",
        "whom": "党委书记", "content": "约谈", "problem": "台账不全",
        "skip_reason": "问题严重，直接约谈", "files": [{"name": "约谈照片.png", "data": png}]})
    assert opened.status_code == 201
    step = opened.json()["steps"][0]
    assert step["attachments"][0]["name"] == "约谈照片.png"
    assert step["attachments"][0]["download_url"].startswith("/")
    # Not a file of an allowed type: refused whole, no case opened.
    refused = post(jiwei, f"{API}/orgs/{body.pk}/cases", {
        "stage": "remind", "held_on": f"{timezone.localdate()}", "by_whom": "县纪委",
        "whom": "书记", "content": "提醒", "problem": "另一个问题",
        "files": [{"name": "x.png", "data": base64.b64encode(b"MZ\x90\x00").decode()}]})
    assert refused.status_code == 422
    assert Case.objects.count() == 1
    org = jiwei.get(f"{API}/orgs/{body.pk}").json()
    assert [c["problem"] for c in org["cases"]] == ["台账不全"] and org["can_oversee"]
    assert jiwei.get(f"{API}/steps/{step['id']}/record.docx")["Content-Disposition"]


@pytest.mark.req("X.3", "R3.2")
def test_list_reads_take_a_fixed_number_of_queries(county, year, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangjian.testing import _dept

    def start_all() -> None:
        for dept in county.depts:
            for body in (dept.committee, dept.discipline):
                list_start(actor=None, year=year, body=body, check_scope=False)

    def counts(client) -> list[int]:
        out = []
        for url in (f"{API}/lists?limit=200", f"{API}/overview?limit=200", f"{API}/mine"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx))
        return out

    start_all()
    client = login(county.user("wc_admin"))
    before = counts(client)
    county.depts += [_dept(county.root, "县水利局"), _dept(county.root, "县林业局")]
    start_all()
    assert client.get(f"{API}/lists?limit=200").json()["total"] == 8
    assert counts(client) == before


@pytest.mark.req("X.3", "R3.6")
def test_downloads_are_the_pages_files(county, rlist, login):
    import time_machine

    from dangjian.responsibility.services import evaluation_set

    client = login(county.user("wc_admin"))
    with time_machine.travel(timezone.now(), tick=False):  # the files carry their time
        evaluation = evaluation_set(actor=county.user("wc_admin"), year=rlist.year,
                                    body=rlist.body, grade="good", opinion="履责到位")
        for page, api in [
            (reverse("responsibility:list_xlsx", args=[rlist.pk]),
             f"{API}/lists/{rlist.pk}/ledger.xlsx"),
            (reverse("responsibility:list_docx", args=[rlist.pk]),
             f"{API}/lists/{rlist.pk}/ledger.docx"),
            (reverse("responsibility:overview_xlsx"), f"{API}/overview.xlsx"),
            (reverse("responsibility:evaluation_docx", args=[evaluation.pk]),
             f"{API}/evaluations/{evaluation.pk}/opinion.docx"),
            (reverse("responsibility:checkpoints_xlsx"), f"{API}/chains/checkpoints.xlsx"),
        ]:
            a, b = client.get(page), client.get(api)
            assert a.status_code == b.status_code == 200, api
            assert zip_members(a.content) == zip_members(b.content), api
            assert a["Content-Disposition"] == b["Content-Disposition"], api
