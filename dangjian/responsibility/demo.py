"""Demo data for 两个责任: last year complete (lists, ledgers, records, a spot check with
findings, a talk, evaluations, praise) and this year in progress (some lists late or still in
draft, items overdue and due soon). Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.core.grades import Grade
from dangjian.cycles.models import Year
from dangjian.cycles.services import year_current
from dangjian.org.models import Body, Person, Role, RoleAssignment
from dangjian.responsibility.models import (
    LedgerItem,
    ListKind,
    ListStatus,
    NoteKind,
    ResponsibilityList,
    Stage,
)
from dangjian.responsibility.services import (
    case_escalate,
    case_open,
    commendation_add,
    evaluation_set,
    item_add,
    list_start,
    list_transition,
    note_add,
    record_add,
    spotcheck_commit,
    spotcheck_draw,
    target_record,
)
from dangjian.responsibility.services.common import owner_bodies, unit_of
from dangjian.testing import TINY_PNG

OWN_MEASURES = {
    ListKind.PRIMARY: [
        ("结合业务开展“党建+”品牌创建", "形成1个党建品牌",
         "制定创建方案，年中推进会，年底总结"),
        ("落实党员联系服务群众制度", "每名党员全年联系服务群众不少于4次",
         "建立联系台账，每季度通报"),
    ],
    ListKind.SUPERVISORY: [
        ("开展廉政风险点排查", "风险点排查全覆盖并制定防控措施",
         "上半年完成排查，下半年开展回头看"),
        ("重要节日节点作风监督检查", "节日期间“四风”问题零发生",
         "节前提醒、节中检查、节后通报"),
    ],
}
DONE = ["召开专题会议研究部署", "组织集中学习研讨", "开展专项检查并形成报告",
        "召开组织生活会", "开展谈心谈话", "完成年度总结"]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _user(role: str) -> User | None:
    ra = RoleAssignment.objects.filter(role=role, valid_to__isnull=True).select_related(
        "user").order_by("pk").first()
    return ra.user if ra else None


def _staff(body: Body) -> Person | None:
    unit = unit_of(body)
    return Person.objects.filter(unit=unit, left_on__isnull=True).order_by("pk").first() \
        if unit else None


def _draft(year: Year, body: Body, rng: random.Random, today: dt.date) -> ResponsibilityList:
    rlist = list_start(actor=None, year=year, body=body, check_scope=False)
    fallback = _staff(body)
    LedgerItem.objects.filter(rlist=rlist, responsible__isnull=True).update(responsible=fallback)
    for content, targets, measures in rng.sample(OWN_MEASURES[ListKind(rlist.kind)], 1):
        deadline = year.ends
        if year.starts <= today <= year.ends:  # this year: one due soon or already overdue
            deadline = min(year.ends, max(year.starts, today + dt.timedelta(
                days=rng.choice([-20, -5, 3, 5, 60]))))
        item_add(actor=None, rlist=rlist, content=content, targets=targets, measures=measures,
                 deadline=deadline, responsible=fallback, check_scope=False)
    return rlist


def _hand_in(rlist: ResponsibilityList, day: dt.date, reviewers: dict[str, Any],
             accept: bool) -> None:
    list_transition(actor=None, rlist=rlist, to=ListStatus.SUBMITTED, check_scope=False,
                    at=_at(day))
    if accept:
        list_transition(actor=reviewers[rlist.kind], rlist=rlist, to=ListStatus.ACCEPTED,
                        opinion="清单内容完整，措施具体，同意。", check_scope=False,
                        at=_at(day + dt.timedelta(days=5), 15))


def _records(rlist: ResponsibilityList, rng: random.Random, upto: dt.date, complete: bool,
             with_photo: bool) -> None:
    year = rlist.year
    for item in rlist.items.order_by("order"):
        span = max(1, (min(upto, year.ends) - year.starts).days)
        n = rng.randint(2, 3) if complete else rng.randint(0, 2)
        days = sorted(rng.sample(range(span), min(n, span)))
        for i, offset in enumerate(days):
            day = year.starts + dt.timedelta(days=offset)
            last = i == len(days) - 1
            progress = 100 if complete and last else min(90, 30 * (i + 1))
            late = rng.random() < 0.1
            recorded = min(_at(day + dt.timedelta(days=12 if late else 1), 17), timezone.now())
            files = [("工作照片.png", TINY_PNG)] if with_photo and i == 0 else []
            record_add(actor=None, item=item, summary=f"{rng.choice(DONE)}（{item.content[:12]}）",
                       occurred_on=day, progress=progress, files=files, check_scope=False,
                       recorded_at=recorded)
            with_photo = False


def _last_year(year: Year, bodies: list[Body], rng: random.Random,
               reviewers: dict[str, Any], jiwei: Any, gw: Any) -> None:
    for body in bodies:
        rlist = _draft(year, body, rng, timezone.localdate())
        _hand_in(rlist, year.starts + dt.timedelta(days=rng.randint(10, 50)), reviewers, True)
        _records(rlist, rng, year.ends, complete=True, with_photo=True)
    first = ResponsibilityList.objects.filter(year=year).order_by("body__path").first()
    if first is not None:  # one record corrected: the old one stays, the new one says so
        wrong = first.items.order_by("order")[0].records.order_by("chain_seq")[0]
        record_add(actor=None, item=wrong.item, summary=f"更正：{wrong.summary}，参加人数应为28人",
                   occurred_on=wrong.occurred_on, progress=wrong.progress, corrects=wrong,
                   check_scope=False, recorded_at=_at(wrong.occurred_on + dt.timedelta(days=2)))
    check = spotcheck_draw(actor=jiwei, check=spotcheck_commit(
        actor=jiwei, year=year, title=f"{year.year}年度履责纪实随机抽查",
        strata={ListKind.PRIMARY: min(3, _count(bodies, False)),
                ListKind.SUPERVISORY: min(2, _count(bodies, True))},
        seed=f"{year.year}-{rng.getrandbits(64):016x}"))
    for i, target in enumerate(check.targets.select_related("body").order_by("pk")):
        problems = ["部分纪实记录补记，未做到及时留痕", "佐证材料不够完整"] if i == 0 else []
        target_record(actor=jiwei, target=target,
                      findings="查阅台账和纪实记录，抽查佐证材料。" + ("发现问题如下。" if problems
                                                            else "纪实完整、留痕规范。"),
                      problems=problems, deadline=year.ends)
        if problems:
            talked = case_open(actor=jiwei, year=year, body=target.body, target=target,
                               problem=problems[0], stage=Stage.REMIND,
                               held_on=year.ends - dt.timedelta(days=40),
                               by_whom="县纪委第三监督检查室",
                               whom="党组织书记", content="提醒及时记录履责情况，做到全程留痕。")
            case_escalate(actor=jiwei, case=talked, stage=Stage.TALK,
                          held_on=year.ends - dt.timedelta(days=20), by_whom="县纪委副书记",
                          whom="党组织书记", content="约谈指出纪实不及时的问题，要求限期整改。",
                          follow_up="一个月内报送整改情况")
    grades = [Grade.GOOD, Grade.GOOD, Grade.FAIRLY_GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE]
    for body in bodies:
        grade = rng.choice(grades)
        evaluation_set(actor=jiwei, year=year, body=body, grade=grade,
                       opinion="责任清单明确，纪实较为完整。" if grade == Grade.GOOD
                       else "纪实及时性有待提高，佐证材料需进一步规范。")
    for body in rng.sample(bodies, min(2, len(bodies))):
        commendation_add(actor=jiwei, year=year, body=body,
                         reason=f"{body.name}{year.year}年度认真落实“两个责任”，"
                                "纪实规范，成效突出。",
                         commended_on=year.ends - dt.timedelta(days=5))
    for body in bodies[:3]:
        note_add(actor=gw, year=year, body=body, kind=NoteKind.SCHEDULED,
                 noted_on=year.starts + dt.timedelta(days=180),
                 content="半年检查：台账规范，进度正常。")


def _count(bodies: list[Body], discipline: bool) -> int:
    return sum(1 for b in bodies if (b.kind == "organ_discipline") == discipline)


def _this_year(year: Year, bodies: list[Body], rng: random.Random,
               reviewers: dict[str, Any], gw: Any) -> None:
    today = timezone.localdate()
    for body in bodies:
        fate = rng.random()
        if fate < 0.1:
            continue  # not started: shows as 逾期未报 once the window closes
        rlist = _draft(year, body, rng, today)
        if fate < 0.2:
            continue  # still drafting
        day = year.starts + dt.timedelta(days=rng.randint(10, 75))
        day = min(day, today)
        _hand_in(rlist, day, reviewers, accept=fate > 0.3 and day + dt.timedelta(days=5) <= today)
        _records(rlist, rng, today, complete=False, with_photo=fate > 0.8)
    for body in bodies[:2]:
        note_add(actor=gw, year=year, body=body, kind=NoteKind.ROUTINE, noted_on=today,
                 content="平时督查：纪实记录及时，个别事项进度偏慢。")


def build_demo(*, seed: int) -> None:
    rng = random.Random(f"{seed}:responsibility")
    current = year_current()
    previous = current.previous
    jiwei, gw = _user(Role.DISCIPLINE_COMMISSION), _user(Role.WORK_COMMITTEE_ADMIN)
    reviewers: dict[str, Any] = {ListKind.PRIMARY: gw, ListKind.SUPERVISORY: jiwei}
    bodies = list(owner_bodies().order_by("path"))
    if previous is not None:
        _last_year(previous, bodies, rng, reviewers, jiwei, gw)
    _this_year(current, bodies, rng, reviewers, gw)
