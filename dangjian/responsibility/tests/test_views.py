"""Pages and downloads through the real stack."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from dangjian.responsibility.models import DutyRecord, ListStatus, chain_for
from dangjian.responsibility.services import record_add
from dangjian.responsibility.tests.conftest import drop_guards, raw
from dangjian.testing import TINY_PNG
from dangjian.trail.models import Checkpoint


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])


@pytest.mark.req("R3.2")
def test_draft_add_a_measure_and_hand_in_through_the_pages(county, year, login):
    client = login(county.user("lg_secretary"))
    body = county.depts[0].committee
    response = client.post(reverse("responsibility:list_start", args=[body.pk]))
    rlist = body.responsibility_lists.get()
    assert response.url == reverse("responsibility:list_detail", args=[rlist.pk])
    page = client.get(response.url).content.decode()
    assert "坚持把党的政治建设摆在首位" in page and "增加本单位措施" in page
    client.post(reverse("responsibility:item_add", args=[rlist.pk]), {
        "content": "党建品牌创建", "targets": "1个", "measures": "季度推进",
        "deadline": f"{year.year - 1}-12-31", "responsible": county.depts[0].people[1].pk})
    assert rlist.items.count() == 5  # deadline before the year: refused
    page = client.get(reverse("responsibility:list_detail", args=[rlist.pk]), follow=True)
    assert "不能早于" in page.content.decode()
    client.post(reverse("responsibility:item_add", args=[rlist.pk]), {
        "content": "党建品牌创建", "targets": "1个", "measures": "季度推进",
        "deadline": f"{year.year}-12-31", "responsible": county.depts[0].people[1].pk})
    assert rlist.items.count() == 6
    for item in rlist.items.filter(responsible__isnull=True):
        client.post(reverse("responsibility:item_edit", args=[item.pk]), {
            "content": item.content, "targets": item.targets, "measures": item.measures,
            "deadline": f"{item.deadline:%Y-%m-%d}",
            "responsible": county.depts[0].people[1].pk})
    client.post(reverse("responsibility:list_transition", args=[rlist.pk]), {"action": "submit"})
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.SUBMITTED
    wc = login(county.user("wc_admin"))
    wc.post(reverse("responsibility:list_transition", args=[rlist.pk]),
            {"action": "return", "opinion": "措施需量化"})
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.RETURNED and rlist.review_opinion == "措施需量化"


@pytest.mark.req("R3.3")
def test_record_a_duty_with_a_photo_through_the_page(county, item, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(county.user("org_secretary"))
    url = reverse("responsibility:record_add", args=[item.pk])
    response = client.post(url, {"summary": "主题党日", "occurred_on": f"{timezone.localdate()}",
                                 "progress": "30",
                                 "files": SimpleUploadedFile("党日.png", TINY_PNG, "image/png")})
    record = DutyRecord.objects.get()
    assert response.url == reverse("responsibility:record_detail", args=[record.pk])
    page = client.get(response.url).content.decode()
    assert "记录与留痕一致" in page and "党日.png" in page
    # A file that is not what it claims: refused with a message, nothing written.
    client.post(url, {"summary": "x", "occurred_on": f"{timezone.localdate()}", "progress": "40",
                      "files": SimpleUploadedFile("照片.png", b"%PDF-1.4 fake", "image/png")})
    assert DutyRecord.objects.count() == 1


@pytest.mark.req("R3.3")
def test_the_commission_reads_but_another_department_does_not(county, item, login):
    record = record_add(actor=county.user("org_secretary"), item=item, summary="学习",
                        occurred_on=timezone.localdate(), progress=20)
    url = reverse("responsibility:record_detail", args=[record.pk])
    assert login(county.user("discipline")).get(url).status_code == 200
    index = login(county.user("lg_secretary")).get(reverse("responsibility:index"))
    assert county.depts[1].committee.name not in index.content.decode()
    assert county.depts[0].committee.name in index.content.decode()


def _job_page(client, response) -> str:
    """Run the job a page submitted (the worker's own code, in this process) and read its
    page."""
    from dangjian.jobs.execution import execute
    from dangjian.jobs.models import Job

    assert response.status_code == 302 and response.url.startswith("/jobs/")
    job = Job.objects.get(pk=int(response.url.strip("/").split("/")[-1]))
    execute(job.pk)
    return client.get(response.url).content.decode()


@pytest.mark.req("R3.3")
def test_the_chain_page_names_the_first_record_that_does_not_match(county, item, login):
    records = [record_add(actor=county.user("org_secretary"), item=item, summary=f"第{i}次",
                          occurred_on=timezone.localdate(), progress=i) for i in range(1, 4)]
    client = login(county.user("discipline"))
    page = _job_page(client, client.post(reverse("responsibility:chains"), {"action": "verify"}))
    assert "已完成" in page and "全部校验通过" in page
    page = _job_page(client, client.post(reverse("responsibility:chains"),
                                         {"action": "checkpoint"}))
    checkpoint = Checkpoint.objects.get(chain=chain_for(item.rlist.body_id))
    assert checkpoint.note == "县级统一检查点" and checkpoint.code in page
    page = client.post(reverse("responsibility:chains"), {"action": "check",
                                                          "code": checkpoint.code})
    assert "一致" in page.content.decode()
    drop_guards()
    raw("UPDATE responsibility_dutyrecord SET progress = 99 WHERE id = %s", [records[1].pk])
    page = _job_page(client, client.post(reverse("responsibility:chains"), {"action": "verify"}))
    assert "2处不符" in page and "第2条" in page  # the record, and its item's progress
    assert "台账第1项的进度或纪实条数与纪实记录不符" in page
    assert reverse("responsibility:record_detail", args=[records[1].pk]) in page
    listing = client.get(reverse("responsibility:chains")).content.decode()
    assert "2处不符" in listing and "全部校验通过" in listing  # the user's runs, kept
    xlsx = client.get(reverse("responsibility:checkpoints_xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 5).value == checkpoint.code


@pytest.mark.req("R3.3", "R0.7")
def test_a_double_click_on_verify_submits_one_job(county, item, login):
    from dangjian.jobs.models import Job

    client = login(county.user("discipline"))
    first = client.post(reverse("responsibility:chains"), {"action": "verify"})
    again = client.post(reverse("trail:verify"), {"action": "verify"})
    assert first.url == again.url and Job.objects.filter(kind="trail.verify").count() == 1
    deep = client.post(reverse("responsibility:chains"), {"action": "verify", "files": "1"})
    assert deep.url != first.url  # reading the files is another check


@pytest.mark.req("R3.2", "R3.3")
def test_downloads_lists_ledgers_report_overview(county, item, login):
    record_add(actor=county.user("org_secretary"), item=item, summary="专题学习",
               occurred_on=timezone.localdate(), progress=100, files=[("照片.png", TINY_PNG)])
    client = login(county.user("discipline"))
    rlist = item.rlist
    sheet = load_workbook(io.BytesIO(client.get(
        reverse("responsibility:list_xlsx", args=[rlist.pk])).content)).active
    assert sheet.cell(1, 2).value == "责任内容" and sheet.cell(2, 8).value == "100%"
    text = _docx_text(client.get(reverse("responsibility:list_docx", args=[rlist.pk])).content)
    assert "主体责任清单" in text and "工作台账" in text
    report = client.get(reverse("responsibility:report_docx", args=[rlist.body_id]))
    checkpoint = Checkpoint.objects.get()
    text = _docx_text(report.content)
    assert "专题学习" in text and checkpoint.code in text and "完好" in text
    overview = load_workbook(io.BytesIO(client.get(
        reverse("responsibility:overview_xlsx")).content)).active
    names = [overview.cell(r, 1).value for r in range(2, overview.max_row + 1)]
    assert rlist.body.name in names and len(names) == 4


@pytest.mark.req("R3.3")
def test_list_pages_do_not_grow_with_the_number_of_records(county, item, login):
    client = login(county.user("discipline"))
    urls = [reverse("responsibility:index"),
            reverse("responsibility:list_detail", args=[item.rlist_id]),
            reverse("responsibility:org_detail", args=[item.rlist.body_id]),
            reverse("responsibility:item_detail", args=[item.pk])]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    record_add(actor=county.user("org_secretary"), item=item, summary="1",
               occurred_on=timezone.localdate(), progress=1)
    few = queries()
    for i in range(60):  # past one page of the item's records
        record_add(actor=county.user("org_secretary"), item=item, summary=f"{i}",
                   occurred_on=timezone.localdate(), progress=i)
    assert queries() == few


@pytest.mark.req("R3.4", "R3.5")
def test_spot_check_pages(county, year, login):
    client = login(county.user("discipline"))
    response = client.post(reverse("responsibility:spotcheck_commit"),
                           {"title": "抽查", "n_primary": "1", "n_supervisory": "1"})
    check_url = response.url
    page = client.get(check_url).content.decode()
    assert "种子承诺" in page and 'id="seed"' not in page
    pk = int(check_url.rstrip("/").rsplit("/", 1)[1])
    client.post(reverse("responsibility:spotcheck_draw", args=[pk]))
    page = client.get(check_url).content.decode()
    assert "重算名单一致" in page and "种子与承诺一致" in page
    data = client.get(reverse("responsibility:spotcheck_data", args=[pk])).json()
    assert len(data["种子"]) == 32


@pytest.mark.req("R3.2", "X.3")
def test_overview_page_and_its_export_read_one_filter(county, year, login):
    client = login(county.user("wc_admin"))
    page = client.get(reverse("responsibility:index"), {"kind": "supervisory"}).content.decode()
    assert "县教育局机关纪委" in page and "县教育局机关委员会" not in page
    assert "overview.xlsx?kind=supervisory" in page  # the export carries the same filter
    # A value that does not parse is dropped and named, the list shown unfiltered on it.
    page = client.get(reverse("responsibility:index"), {"status": "bogus"}).content.decode()
    assert "已忽略无效的筛选条件：清单状态" in page and "县教育局机关委员会" in page
    data = client.get(reverse("responsibility:overview_xlsx"), {"q": "财政"}).content
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["中共县财政局机关委员会", "县财政局机关纪委"]
