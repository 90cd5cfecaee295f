"""Build the demo county's bodies, people and posts as of the base date, through the services.

People are planned first (fields and the posts they will hold) and written afterwards, so the
党务干部 flags agree with the posts from the start.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dangjian.demo.catalog import (
    BASE,
    COUNTY,
    DEPARTMENTS,
    FOUNDED,
    OFFICES,
    ORDINALS,
    ROOT_CODE,
    SIZES,
    DeptSpec,
    Size,
)
from dangjian.demo.county import DemoCounty, DemoDept
from dangjian.demo.people import PersonMaker
from dangjian.org.models import Body, BodyKind, CadreType, Person, PoliticalStatus, PostKind
from dangjian.org.services import body_create, person_create, post_assign

HEAD_PORTFOLIO = "主持党组全面工作，履行全面从严治党第一责任人职责"
PARTY_BUILDING_PORTFOLIO = "分管机关党建、人事教育和意识形态工作"
PORTFOLIOS = (
    "分管办公室、财务和安全生产工作",
    "分管规划、项目建设工作",
    "分管政策法规、行政审批工作",
    "分管业务股室及下属事业单位工作",
    "分管信访维稳、综合治理工作",
    "分管执法监督、统计工作",
)
TOP_COMMITTEE = ("组织委员", "宣传委员", "青年委员")
BRANCH_COMMITTEE = ("组织委员", "宣传委员")
CADRE_POSTS = frozenset({
    PostKind.ORG_SECRETARY, PostKind.ORG_DEPUTY_SECRETARY, PostKind.ORG_COMMITTEE_MEMBER,
    PostKind.DISCIPLINE_SECRETARY, PostKind.DISCIPLINE_MEMBER, PostKind.FULL_TIME_CADRE,
    PostKind.PART_TIME_CADRE,
})
# The last day a first term may start: well before last year's changes.
LAST_START = dt.date(BASE.year - 1, 6, 30)


@dataclass
class Plan:
    """A person to be created and the posts they will hold."""

    fields: dict[str, Any]
    posts: list[tuple[Body, str, str]] = field(default_factory=list)

    def add(self, body: Body, kind: str, portfolio: str = "") -> Plan:
        self.posts.append((body, kind, portfolio))
        return self

    @property
    def eligible(self) -> bool:
        """A full member old enough to be trusted with a party post."""
        age = BASE.year - self.fields["birth_date"].year
        return self.fields["political_status"] == PoliticalStatus.MEMBER and age >= 28


class Builder:
    def __init__(self, rng: random.Random, current_year: int) -> None:
        self.rng = rng
        self.maker = PersonMaker(rng, current_year)
        self._sort = 0
        self._elected: dict[int, dt.date] = {}

    # -- bodies -----------------------------------------------------------------------------
    def body(self, name: str, kind: str, parent: Body | None, short: str = "",
             code: str | None = None) -> Body:
        self._sort += 1
        return body_create(actor=None, name=name, kind=kind, parent=parent, valid_from=FOUNDED,
                           short_name=short, code=code, sort_order=self._sort,
                           check_scope=False)

    def _party_bodies(self, unit: Body, spec: DeptSpec) -> tuple[Body, list[Body], Body]:
        _, _, low, high = SIZES[spec.size]
        count = self.rng.randint(low, high)
        short, name = spec.short, spec.name
        if spec.size == Size.BIG:
            top = self.body(party_name(name, "机关委员会"), BodyKind.ORGAN_COMMITTEE, unit,
                            organ_name(short, "机关党委"))
            disc = self.body(party_name(name, "机关纪律检查委员会"), BodyKind.ORGAN_DISCIPLINE,
                             unit, organ_name(short, "机关纪委"))
        elif spec.size == Size.MEDIUM:
            top = self.body(party_name(name, "机关总支部委员会"), BodyKind.GENERAL_BRANCH, unit,
                            organ_name(short, "机关党总支"))
            disc = self.body(organ_name(short, "机关纪检委员"), BodyKind.ORGAN_DISCIPLINE, unit)
        else:
            top = self.body(party_name(name, "机关支部委员会"), BodyKind.BRANCH, unit,
                            organ_name(short, "机关党支部"))
            disc = self.body(organ_name(short, "机关纪检委员"), BodyKind.ORGAN_DISCIPLINE, unit)
            return top, [top], disc
        branches = [
            self.body(party_name(name, f"机关第{ORDINALS[i]}支部委员会"), BodyKind.BRANCH, top,
                      organ_name(short, f"机关第{ORDINALS[i]}党支部"))
            for i in range(count)
        ]
        return top, branches, disc

    # -- people -----------------------------------------------------------------------------
    def leader(self, unit: Body, branch: Body, spec: DeptSpec, *, head: bool) -> Plan:
        male = self.rng.random() < (0.85 if head else 0.7)
        return Plan(self.maker.fields(
            unit=unit, branch=branch, majors=spec.majors, age=(45, 55) if head else (36, 55),
            job_title=spec.head if head else spec.deputy, rank="正科级" if head else "副科级",
            gender="M" if male else "F",
        ))

    def staff(self, unit: Body, branches: list[Body], spec: DeptSpec, n: int) -> list[Plan]:
        return [
            Plan(self.maker.staff(unit=unit, branch=self.rng.choice(branches),
                                  majors=spec.majors, titles=spec.titles))
            for _ in range(n)
        ]

    def _taker(self, dept: DemoDept, staff: list[Plan]) -> Callable[..., Plan]:
        """take(branch=None): an eligible member of staff (in that branch) for a party post."""
        pool = [p for p in staff if p.eligible]
        self.rng.shuffle(pool)

        def take(branch: Body | None = None) -> Plan:
            for plan in pool:
                if branch is None or plan.fields["branch"] is branch:
                    pool.remove(plan)
                    return plan
            if pool:  # nobody eligible left in that branch: transfer someone in
                plan = pool.pop(0)
            else:  # a small unit ran short: one more member of staff
                plan = Plan(self.maker.fields(
                    unit=dept.unit, branch=None, majors=dept.spec.majors, age=(30, 55),
                    job_title=self.rng.choice(dept.spec.titles or ("科员",)),
                    rank="四级主任科员",
                ))
                staff.append(plan)
            plan.fields["branch"] = branch or plan.fields["branch"] or dept.branches[0]
            return plan

        return take

    def _staff_posts(self, dept: DemoDept, staff: list[Plan], everyone: list[Plan]) -> None:
        spec, top, disc = dept.spec, dept.top, dept.discipline
        take = self._taker(dept, staff)
        if spec.size == Size.BIG:
            deputy = take()
            deputy.fields.update(job_title="机关党委专职副书记", rank="一级主任科员")
            deputy.add(top, PostKind.ORG_DEPUTY_SECRETARY).add(top, PostKind.FULL_TIME_CADRE)
            office = take()
            office.fields.update(job_title="机关党委办公室主任", rank="三级主任科员")
            office.add(top, PostKind.FULL_TIME_CADRE)
        if top.kind == BodyKind.BRANCH:
            first = take(top).add(top, PostKind.ORG_COMMITTEE_MEMBER, BRANCH_COMMITTEE[0])
            first.add(top, PostKind.PART_TIME_CADRE, "党务干事")
            take(top).add(top, PostKind.ORG_COMMITTEE_MEMBER, BRANCH_COMMITTEE[1])
        else:
            for i, branch in enumerate(dept.branches):
                secretary = take(branch).add(branch, PostKind.ORG_SECRETARY)
                if i < len(TOP_COMMITTEE):
                    secretary.add(top, PostKind.ORG_COMMITTEE_MEMBER, TOP_COMMITTEE[i])
                size = sum(1 for p in everyone + staff if p.fields["branch"] is branch)
                if size >= 7:  # a branch of seven or more members elects a committee
                    for portfolio in BRANCH_COMMITTEE:
                        take(branch).add(branch, PostKind.ORG_COMMITTEE_MEMBER, portfolio)
            if spec.size == Size.MEDIUM:
                take().add(top, PostKind.PART_TIME_CADRE, "党建联络员")
        if disc.name.endswith("纪律检查委员会"):
            chief = take().add(disc, PostKind.DISCIPLINE_SECRETARY)
            chief.fields.update(job_title="机关纪委书记", rank="二级主任科员")
            for _ in range(2):
                take().add(disc, PostKind.DISCIPLINE_MEMBER)
        else:
            take().add(disc, PostKind.DISCIPLINE_MEMBER)

    # -- writing ----------------------------------------------------------------------------
    def _term_start(self, body: Body) -> dt.date:
        """Party bodies elect their committee on one day; 党组 members are appointed singly."""
        span = (LAST_START - FOUNDED).days
        if body.kind == BodyKind.LEADING_GROUP:
            return FOUNDED + dt.timedelta(days=self.rng.randint(0, span))
        if body.pk not in self._elected:
            self._elected[body.pk] = FOUNDED + dt.timedelta(days=self.rng.randint(0, span))
        return self._elected[body.pk]

    def write(self, plans: list[Plan]) -> list[Person]:
        people = []
        for plan in plans:
            kinds = {kind for _, kind, _ in plan.posts}
            if kinds & CADRE_POSTS:
                full = PostKind.FULL_TIME_CADRE in kinds
                plan.fields.update(is_party_cadre=True, cadre_type=(
                    CadreType.FULL_TIME if full else CadreType.PART_TIME))
            person = person_create(actor=None, check_scope=False, **plan.fields)
            for body, kind, portfolio in plan.posts:
                post_assign(actor=None, person=person, body=body, kind=kind,
                            start=self._term_start(body), portfolio=portfolio,
                            check_scope=False)
            people.append(person)
        return people

    # -- departments and offices ------------------------------------------------------------
    def department(self, root: Body, spec: DeptSpec, code: str) -> DemoDept:
        unit = self.body(spec.name, BodyKind.UNIT, root, spec.short, code)
        lg = self.body(spec.leading_group_name, BodyKind.LEADING_GROUP, unit, f"{spec.short}党组")
        top, branches, disc = self._party_bodies(unit, spec)
        dept = DemoDept(spec, unit, lg, top, branches, disc)
        low, high, _, _ = SIZES[spec.size]
        total = self.rng.randint(low, high)
        n_deputies = {Size.BIG: 4, Size.MEDIUM: 3, Size.SMALL: 2}[spec.size]
        head = self.leader(unit, branches[0], spec, head=True)
        head.add(lg, PostKind.LEADING_GROUP_SECRETARY, HEAD_PORTFOLIO)
        deputies = [self.leader(unit, branches[0], spec, head=False) for _ in range(n_deputies)]
        deputies[0].add(lg, PostKind.PARTY_BUILDING_MEMBER, PARTY_BUILDING_PORTFOLIO)
        deputies[0].add(top, PostKind.ORG_SECRETARY)
        for deputy, portfolio in zip(
            deputies[1:], self.rng.sample(PORTFOLIOS, n_deputies - 1), strict=True
        ):
            deputy.add(lg, PostKind.LEADING_GROUP_MEMBER, portfolio)
        leaders = [head, *deputies]
        staff = self.staff(unit, branches, spec, total - len(leaders))
        self._staff_posts(dept, staff, leaders)
        dept.people = self.write([*leaders, *staff])
        return dept

    def office(self, root: Body, kind: str, spec: DeptSpec, code: str,
               extra: Callable[[Body, Plan, Plan, list[Plan]], None]) -> DemoDept:
        """组织部, 工委, 县纪委, 文明办: no 党组, one 机关党支部."""
        unit = self.body(spec.name, kind, root, spec.short, code)
        branch = self.body(party_name(spec.name, "机关支部委员会"), BodyKind.BRANCH, unit,
                           organ_name(spec.short, "机关党支部"))
        disc = self.body(organ_name(spec.short, "机关纪检委员"), BodyKind.ORGAN_DISCIPLINE, unit)
        dept = DemoDept(spec, unit, None, branch, [branch], disc)
        head = self.leader(unit, branch, spec, head=True)
        deputy = self.leader(unit, branch, spec, head=False).add(branch, PostKind.ORG_SECRETARY)
        staff = self.staff(unit, [branch], spec, self.rng.randint(6, 12))
        self._staff_posts(dept, staff, [head, deputy])
        extra(unit, head, deputy, staff)
        dept.people = self.write([head, deputy, *staff])
        return dept


def organ_name(unit: str, tail: str) -> str:
    """A unit's name followed by a name part about its 机关, without saying 机关 twice (the
    县人大常委会机关's branch is its 机关支部委员会, not its 机关机关支部委员会)."""
    if unit.endswith("机关") and tail.startswith("机关"):
        tail = tail.removeprefix("机关")
    return f"{unit}{tail}"


def party_name(unit: str, tail: str) -> str:
    """The full name of a party organisation of a unit: 中共 once, even when the unit's own name
    begins with it (中共青禾县直属机关工作委员会's branch)."""
    return f"中共{organ_name(unit.removeprefix('中共'), tail)}"


def _work_committee(unit: Body, head: Plan, deputy: Plan, staff: list[Plan]) -> None:
    head.add(unit, PostKind.ORG_SECRETARY, "主持工委全面工作")
    deputy.add(unit, PostKind.ORG_DEPUTY_SECRETARY, "协助书记负责机关党建日常工作")
    for plan in staff:  # the 工委's staff work on party affairs full time
        if plan.eligible and not plan.posts:
            plan.add(unit, PostKind.FULL_TIME_CADRE)


def _discipline_commission(unit: Body, head: Plan, deputy: Plan, staff: list[Plan]) -> None:
    head.fields.update(rank="副处级")
    head.add(unit, PostKind.DISCIPLINE_SECRETARY, "主持县纪委全面工作")
    deputy.add(unit, PostKind.DISCIPLINE_MEMBER, "县纪委副书记，分管派驻机构和机关纪检工作")


def _org_dept(unit: Body, head: Plan, deputy: Plan, staff: list[Plan]) -> None:
    head.fields.update(job_title="县委常委、组织部部长", rank="副处级")


def _civilization_office(unit: Body, head: Plan, deputy: Plan, staff: list[Plan]) -> None:
    head.fields.update(job_title="县委宣传部副部长、县文明办主任")


def build_structure(*, seed: int, current_year: int) -> DemoCounty:
    """The county as of the base date (history comes after, see history.py)."""
    rng = random.Random(seed)
    builder = Builder(rng, current_year)
    root = builder.body(f"中共{COUNTY}委员会", BodyKind.COUNTY_COMMITTEE, None, "县委", ROOT_CODE)
    offices = [
        builder.office(root, kind, OFFICES[key], f"QH-1{i:02d}", extra)
        for i, (key, kind, extra) in enumerate((
            ("org_dept", BodyKind.ORGANIZATION_DEPT, _org_dept),
            ("work_committee", BodyKind.WORK_COMMITTEE, _work_committee),
            ("discipline_commission", BodyKind.DISCIPLINE_COMMISSION, _discipline_commission),
            ("civilization_office", BodyKind.CIVILIZATION_OFFICE, _civilization_office),
        ), start=1)
    ]
    depts = [
        builder.department(root, spec, f"QH-{i:03d}")
        for i, spec in enumerate(DEPARTMENTS, start=1)
    ]
    org_dept, work_committee, discipline_commission, civilization_office = offices
    return DemoCounty(
        seed=seed, current_year=current_year, root=root, org_dept=org_dept,
        work_committee=work_committee, discipline_commission=discipline_commission,
        civilization_office=civilization_office, depts=depts, maker=builder.maker,
    )
