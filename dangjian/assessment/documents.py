"""The documents of 党建考核, through the documents engine: the feedback letter to a 党组
(R1.4), the 专题报告 to the 县委 (R1.5, GB/T 9704) and the results table for 年度综合考核."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from dangjian.assessment.models import Feedback, Judgement, SpecialReport, SubjectKind
from dangjian.assessment.selectors import DeptRow, distribution
from dangjian.core.grades import Grade
from dangjian.documents.charts import bar_chart_png
from dangjian.documents.official import (
    Block,
    Heading,
    Image,
    OfficialDocument,
    Para,
    Table,
    render_docx,
)
from dangjian.documents.xlsx import workbook_bytes
from dangjian.org.models import Body, BodyKind
from dangjian.org.selectors import county_body_name

# The grade's value in 年度综合考核 before the county's weight is applied (100-point scale).
GRADE_POINTS = {Grade.GOOD: 100, Grade.FAIRLY_GOOD: 85, Grade.AVERAGE: 70, Grade.POOR: 50}


def feedback_docx(feedback: Feedback, judgements: list[Judgement]) -> bytes:
    a = feedback.assessment
    year = a.scheme.year
    body: list[Block] = [Para(line) for line in feedback.body.splitlines() if line.strip()]
    dept = next((j for j in judgements if j.kind == SubjectKind.LEADING_GROUP), None)
    if dept is not None:
        body += [Heading("一、考核等次"),
                 Para(f"经综合研判，你单位{year.year}年度机关党建工作考核等次为"
                      f"“{dept.get_grade_display()}”。{dept.reasons}")]
    problems = feedback.problem_lines()
    if problems:
        body.append(Heading("二、存在的主要问题"))
        body += [Para(f"{i}. {p}") for i, p in enumerate(problems, 1)]
        body += [Heading("三、整改要求"),
                 Para("请对照上述问题制定整改方案，明确整改措施、责任人和整改时限，"
                      "在系统中填报整改进展，整改完成后报县直机关工委验收销号。")]
    sent = timezone.localdate(feedback.sent_at) if feedback.sent_at else timezone.localdate()
    return render_docx(OfficialDocument(
        title=f"关于{a.unit.name}{year.year}年度机关党建工作考核情况的反馈意见",
        issuer=f"{a.scheme.owner_body.name}文件", number=feedback.number,
        addressee=f"{_leading_group(a.unit)}：", body=body,
        signature=a.scheme.owner_body.name, date=sent,
        printed_by=f"{a.scheme.owner_body.name}办公室", printed_on=sent))


def _leading_group(unit: Body) -> str:
    """The unit's 党组 as the registry names it (the feedback goes to it)."""
    group = unit.children.filter(kind=BodyKind.LEADING_GROUP, valid_to__isnull=True).first()
    return group.name if group is not None else f"{unit.name}党组"


def _results_table(rows: list[DeptRow]) -> Table:
    # A unit's name on one line; the table at 五号 fits a page and a half for forty units.
    return Table(
        ["单位", "得分", "建议等次", "民主测评", "考核等次"],
        [[r.dept.label, str(r.dept.total.total) if r.dept.total else "—",
          r.dept.total.grade_label if r.dept.total else "—", r.dept.poll_label,
          r.dept.final_label] for r in rows],
        caption="表2 各单位考核结果", widths=[64, 18, 24, 26, 24], size=10.5,
        first_left=True)


def report_docx(report: SpecialReport, rows: list[DeptRow], today: dt.date | None = None
                ) -> bytes:
    year = report.scheme.year
    dist = distribution(rows)
    total = len(rows)
    body: list[Block] = [Heading("一、总体情况")]
    body += [Para(p) for p in report.overview.splitlines() if p.strip()]
    body.append(Table(["考核等次", "单位数", "占比"],
                      [[g, str(n), f"{(n / total if total else 0):.0%}"] for g, n in dist],
                      caption="表1 考核等次分布"))
    chart = bar_chart_png(f"{year.year}年度机关党建工作考核等次分布", dist, unit="个")
    if chart is not None:
        body.append(Image(chart, width_mm=140, caption="图1 考核等次分布（单位：个）"))
    body.append(_results_table(rows))
    for heading, text in (("二、突出单位和经验做法", report.highlights),
                          ("三、存在的主要问题", report.problems),
                          ("四、意见建议", report.suggestions)):
        body.append(Heading(heading))
        body += [Para(p) for p in text.splitlines() if p.strip()]
    day = today or (timezone.localdate(report.issued_at) if report.issued_at
                    else timezone.localdate())
    owner_body = report.scheme.owner_body
    owner = owner_body.name
    county = county_body_name(within=owner_body, kind=BodyKind.COUNTY_COMMITTEE, short=True)
    org_dept = county_body_name(within=owner_body, kind=BodyKind.ORGANIZATION_DEPT, short=True)
    return render_docx(OfficialDocument(
        title=report.title, issuer=f"{owner}文件", number=report.number,
        addressee=f"{county}：",
        body=body, signature=owner, date=day,
        copy_to=org_dept,
        printed_by=f"{owner_body.short_name or owner}办公室", printed_on=day))


def results_xlsx(rows: list[DeptRow], weight: Decimal, year: int) -> bytes:
    """For 年度综合考核: each department and leader with grade, points and weighted points."""
    def line(unit: str, r: object) -> list[object]:
        from dangjian.assessment.selectors import SubjectRow

        assert isinstance(r, SubjectRow)
        points = GRADE_POINTS.get(Grade(r.final)) if r.final else None
        return [unit, r.kind_label, r.label if r.person else "", float(r.total.total)
                if r.total else None, r.total.grade_label if r.total else "", r.poll_label,
                r.final_label, points,
                float(Decimal(points) * weight / 100) if points is not None else None]

    data = []
    for row in rows:
        data.append(line(row.dept.label, row.dept))
        data += [line(row.dept.label, leader) for leader in row.leaders]
    headers = ["单位", "考核对象", "姓名", "党建考核得分", "建议等次", "民主测评", "考核等次",
               "等次折算分", f"计入年度综合考核分（权重{weight}%）"]
    return workbook_bytes([(f"{year}年度党建考核结果", headers, data)])
