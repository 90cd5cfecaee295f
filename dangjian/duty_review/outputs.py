"""Outputs (R2.7): the tally per meeting (.xlsx), the result notice per meeting and each
reporter's opinion letter (.docx, GB/T 9704 via the documents engine)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from dangjian.ballots import rules
from dangjian.ballots import selectors as ballot_selectors
from dangjian.core.grades import GRADE_ORDER, Grade
from dangjian.documents.official import Block, Heading, OfficialDocument, Para, Table, render_docx
from dangjian.documents.xlsx import workbook_bytes
from dangjian.duty_review.models import Assignment, Meeting
from dangjian.duty_review.selectors import ResultRow, meeting_rows

LABELS = [Grade(g).label for g in GRADE_ORDER]


def _pct(x: float) -> str:
    return f"{x:.1%}"


def tally_xlsx(meeting: Meeting) -> bytes:
    assert meeting.box is not None
    rows = meeting_rows(meeting, with_results=True)
    audit = ballot_selectors.audit(meeting.box)
    headers = ["序号", "述职人", "所在组织", *[f"{g}（票）" for g in LABELS],
               *[f"{g}（占比）" for g in LABELS], "有效票", "综合评价", "县委综合考评"]
    data: list[list[Any]] = []
    for i, row in enumerate(rows, 1):
        r = row.result
        counts = [r.counts[g] for g in GRADE_ORDER] if r else [0] * 4
        shares = [_pct(r.shares[g]) for g in GRADE_ORDER] if r else ["—"] * 4
        ev = row.evaluation.get_grade_display() if row.evaluation else ""
        data.append([i, row.assignment.reporter.name, row.assignment.reporter_body.name,
                     *counts, *shares, r.total if r else 0, r.overall_label if r else "—", ev])
    info: list[list[Any]] = [["评议会", meeting.title], ["日期", f"{meeting.held_on:%Y-%m-%d}"],
            ["评定规则", rules.describe(meeting.box.rule)], ["发放票码", audit.issued],
            ["已使用票码", audit.used], ["收回测评票", audit.ballots],
            ["有效测评票", audit.counted],
            ["核对", "一致" if audit.consistent else "不一致"]]
    return workbook_bytes([("测评结果", headers, data), ("说明", ["项目", "内容"], info)])


def _result_line(row: ResultRow) -> str:
    r = row.result
    if r is None or not r.total:
        return "未收到测评票"
    parts = "，".join(f"{label}{r.counts[g]}票（{_pct(r.shares[g])}）"
                     for g, label in zip(GRADE_ORDER, LABELS, strict=True))
    return f"{parts}；综合评价为“{r.overall_label}”"


def notice_docx(meeting: Meeting) -> bytes:
    """The result notice (通报) of one meeting."""
    assert meeting.box is not None
    rows = meeting_rows(meeting, with_results=True)
    audit = ballot_selectors.audit(meeting.box)
    plan = meeting.plan
    table = Table(["序号", "述职人", "所在组织", *LABELS, "综合评价"], [
        [str(i), row.assignment.reporter.name, row.assignment.reporter_body.name,
         *[str(row.result.counts[g]) if row.result else "0" for g in GRADE_ORDER],
         row.result.overall_label if row.result else "—"]
        for i, row in enumerate(rows, 1)])
    body: list[Block] = [
        Para(f"根据《{plan.title}》，{meeting.upper_body.name}于"
             f"{meeting.held_on.year}年{meeting.held_on.month}月{meeting.held_on.day}日"
             f"{'召开述职评议会' if meeting.form == 'meeting' else '组织书面述职评议'}，"
             f"听取{len(rows)}名述职对象述职，评议人员按照“好”“较好”“一般”“差”四个档次进行了"
             f"现场评价。现将评议结果通报如下。"),
        Heading("一、测评情况"),
        Para(f"共发放票码{audit.issued}个，收回测评票{audit.ballots}张，有效票{audit.counted}张。"
             f"评定规则：{rules.describe(meeting.box.rule)}。"),
        Heading("二、评议结果"), table,
        Heading("三、有关要求"),
        Para("各述职对象要根据述职会上所提意见和述职报告中所列问题，制定整改方案，明确整改措施、"
             "责任人和整改时限，认真抓好整改，并在下一年度述职评议时专题汇报整改情况。"),
    ]
    return render_docx(OfficialDocument(
        title=f"关于{meeting.title}结果的通报", body=body, signature=meeting.upper_body.name,
        date=timezone.localdate(), addressee="各述职对象："))


def letter_docx(assignment: Assignment, row: ResultRow | None) -> bytes:
    """One reporter's opinion letter: the 点评/询问 raised, the rating, the opinions."""
    a = assignment
    body: list[Block] = [
        Para(f"{a.reporter.name}同志（{a.reporter_body.name}）：", indent=False),
        Para(f"你于{a.plan.year.year}年度向{a.upper_body.name}进行了述职。现将评议意见反馈如下，"
             "请认真对照整改。"),
    ]
    report = getattr(a, "report", None)
    if report is not None and report.approval_opinion:
        body += [Heading("一、述职报告审定意见"), Para(report.approval_opinion)]
    remarks = row.remarks if row else []
    body.append(Heading("二、点评和现场询问"))
    if remarks:
        for i, r in enumerate(remarks, 1):
            text = f"{i}. {r.get_kind_display()}（{r.speaker}）：{r.text}"
            if r.answer:
                text += f" 回答：{r.answer}"
            body.append(Para(text))
    else:
        body.append(Para("无。"))
    body += [Heading("三、测评结果"), Para(_result_line(row) if row else "未参加测评。")]
    if row and row.evaluation:
        body += [Heading("四、县委综合考评"),
                 Para(f"综合考评等次：{row.evaluation.get_grade_display()}。"
                      f"{row.evaluation.opinion}")]
    body.append(Para("请根据以上意见和述职报告中所列问题制定整改方案，明确整改措施、责任人和整改时限，"
                     "按期完成整改，并在下一年度述职时专题汇报整改情况。"))
    return render_docx(OfficialDocument(
        title="述职评议意见反馈函", body=body, signature=a.upper_body.name,
        date=timezone.localdate()))
