"""The module's documents: lists and ledgers (.xlsx, .docx), an organisation's 纪实 report
with the chain checkpoint printed on it, talk records, notices, accountability decisions,
commendations, supervision opinions (.docx), the county overview (.xlsx)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from dangjian.documents.official import Heading, OfficialDocument, Para, Table, render_docx
from dangjian.documents.policy import POLICY
from dangjian.documents.xlsx import workbook_bytes
from dangjian.org.models import Body, BodyKind
from dangjian.org.selectors import county_body_name
from dangjian.responsibility.models import (
    CaseStep,
    Commendation,
    DutyRecord,
    Evaluation,
    LedgerItem,
    ResponsibilityList,
    Stage,
)
from dangjian.responsibility.selectors import OrgRow
from dangjian.trail.chains import chain_label
from dangjian.trail.models import Checkpoint

LEDGER_HEADERS = ["序号", "责任内容", "目标要求", "工作措施", "完成时限", "责任人", "来源",
                  "完成进度"]


def _discipline(body: Body) -> str:
    """The county's discipline commission, which signs what its supervision produces."""
    return county_body_name(within=body, kind=BodyKind.DISCIPLINE_COMMISSION)


def _work_committee(body: Body) -> str:
    return county_body_name(within=body, kind=BodyKind.WORK_COMMITTEE)


def _ledger_rows(items: Iterable[Any]) -> list[list[str]]:
    return [[str(i.order), i.content, i.targets, i.measures, f"{i.deadline:%Y-%m-%d}",
             str(i.responsible or "—"), "政策要点" if i.policy_point else "本单位措施",
             f"{getattr(i, 'progress', 0)}%"] for i in items]


def list_xlsx(rlist: ResponsibilityList, items: list[LedgerItem]) -> bytes:
    return workbook_bytes([(rlist.get_kind_display(), LEDGER_HEADERS, _ledger_rows(items))])


def list_docx(rlist: ResponsibilityList, items: list[LedgerItem]) -> bytes:
    body: list[Any] = [
        Para(f"根据{POLICY}关于严肃落实“两个责任”的要求，"
             f"结合工作实际，制定{rlist.body.name}{rlist.year.year}年度"
             f"{rlist.get_kind_display()}及工作台账如下。"),
        Table(LEDGER_HEADERS, _ledger_rows(items), caption="工作台账"),
    ]
    return render_docx(OfficialDocument(
        title=f"{rlist.body.name}{rlist.year.year}年度{rlist.get_kind_display()}",
        body=body, signature=rlist.body.name,
        date=timezone.localtime(rlist.submitted_at).date() if rlist.submitted_at else None))


def report_docx(body: Body, start: dt.date, end: dt.date, records: list[DutyRecord],
                files: dict[int, list[Any]], checkpoint: Checkpoint, verified: bool) -> bytes:
    rows = [[str(r.chain_seq), f"{r.occurred_on:%Y-%m-%d}",
             timezone.localtime(r.recorded_at).strftime("%Y-%m-%d %H:%M"),
             r.item.content[:30], r.summary, f"{r.progress}%",
             ("补记；" if r.is_late else "") + (f"更正第{r.corrects.chain_seq}条"
                                                 if r.corrects else ""),
             "；".join(f"{a.original_name}（SM3 {a.sm3[:16]}…）" for a in files.get(r.pk, []))]
            for r in records]
    taken = timezone.localtime(checkpoint.taken_at)
    blocks: list[Any] = [
        Para(f"本报告汇总{body.name}{start:%Y年%m月%d日}至{end:%Y年%m月%d日}的履责纪实记录"
             f"共{len(records)}条。每条记录连同佐证材料的SM3摘要已写入本组织的留痕链。"),
        Table(["留痕序号", "履责日期", "记录时间", "台账事项", "履责情况", "进度", "备注",
               "佐证材料"], rows, caption="履责纪实记录"),
        Heading("留痕链检查点"),
        Para(f"留痕链：{chain_label(checkpoint.chain)}；记录数：{checkpoint.seq}；"
             f"生成时间：{taken:%Y-%m-%d %H:%M:%S}；"
             f"生成时校验结果：{'完好' if verified else '不符'}。"),
        Para(f"检查点编码：{checkpoint.code}"),
        Para("核对方法：县纪委在“纪实校验”页面或以命令 dangjian verify-trail --checkpoint "
             "输入上述编码，系统重新计算SM3留痕链；如有记录被改动或删除，将指出第一条不符的记录。"),
    ]
    return render_docx(OfficialDocument(title=f"{body.name}履责纪实报告", body=blocks,
                                        signature=body.name, date=taken.date()))


STEP_TITLES = {Stage.REMIND: "提醒谈话记录", Stage.TALK: "约谈记录", Stage.NOTICE: "情况通报",
               Stage.ACCOUNT: "责任追究决定", Stage.RESOLVED: "整改销号记录"}


def step_docx(step: CaseStep) -> bytes:
    case = step.case
    title = f"关于{case.body.name}的{STEP_TITLES[Stage(step.stage)]}"
    if step.stage in (Stage.REMIND, Stage.TALK, Stage.RESOLVED):
        blocks: list[Any] = [Table(["项目", "内容"], [
            ["时间", f"{step.held_on:%Y年%m月%d日}"], ["谈话人", step.by_whom],
            ["谈话对象", step.whom or "—"], ["问题", case.problem], ["谈话内容", step.content],
            ["后续要求", step.follow_up or "—"]])]
        return render_docx(OfficialDocument(title=title, body=blocks,
                                            signature=_discipline(case.body), date=step.held_on))
    verb = "通报" if step.stage == Stage.NOTICE else "责任追究"
    blocks = [
        Heading("一、基本情况"), Para(f"经查，{case.body.name}存在以下问题：{case.problem}"),
        Heading("二、前期提醒约谈情况"),
        *[Para(f"{s.held_on:%Y年%m月%d日}，{s.by_whom}对{s.whom or case.body.name}进行"
               f"{s.get_stage_display()}：{s.content}") for s in case.steps.filter(id__lt=step.pk)],
        Heading(f"三、{verb}意见"), Para(step.content),
    ]
    if step.follow_up:
        blocks += [Heading("四、有关要求"), Para(step.follow_up)]
    return render_docx(OfficialDocument(title=title, body=blocks, addressee="县直各部门党组织：",
                                        signature=_discipline(case.body), date=step.held_on,
                                        copy_to=_work_committee(case.body)))


def evaluation_docx(evaluation: Evaluation) -> bytes:
    return render_docx(OfficialDocument(
        title=f"关于{evaluation.body.name}{evaluation.year.year}年度落实“两个责任”情况的督查意见",
        addressee=f"{evaluation.body.name}：",
        body=[Para(f"根据平时督查和年度考评情况，你单位{evaluation.year.year}年度落实“两个责任”"
                   f"考评等次为“{evaluation.get_grade_display()}”。具体意见如下："),
              Para(evaluation.opinion)],
        signature=_discipline(evaluation.body), date=evaluation.evaluated_on))


def commendation_docx(praise: Commendation) -> bytes:
    return render_docx(OfficialDocument(
        title=f"关于对{praise.body.name}落实“两个责任”工作予以表扬的通报",
        addressee="县直各部门党组织：",
        body=[Para(praise.reason),
              Para("希望受表扬的单位珍惜荣誉、再接再厉；各单位要以先进为榜样，"
                   "认真履行主体责任和监督责任。")],
        signature=_discipline(praise.body), date=praise.commended_on,
        copy_to=_work_committee(praise.body)))


def overview_xlsx(rows: list[OrgRow], year: int) -> bytes:
    table = [(r.body.name, "监督责任" if r.body.kind == "organ_discipline" else "主体责任",
              r.rlist.get_status_display() if r.rlist else "未编制", "是" if r.late else "",
              getattr(r.rlist, "n_items", 0), getattr(r.rlist, "n_done", 0), f"{r.completion}%",
              r.grade, r.open_cases) for r in rows]
    return workbook_bytes([(f"{year}年度两个责任", ["组织", "责任", "清单状态", "逾期", "事项数",
                                                 "已完成", "完成率", "考评等次", "未结提醒约谈"],
                            table)])

