"""Last year's changes in the demo county (R0.1, R0.3): a rename, a merger, a dissolved branch,
new 党组书记, branch elections, retirements — made as the 工委 administrator, so the trace shows
who did it.
"""

from __future__ import annotations

import datetime as dt
import random

from dangjian.demo.catalog import BASE, MERGED, RENAMED, SHOWCASE, Size
from dangjian.demo.county import DemoCounty, DemoDept
from dangjian.demo.structure import HEAD_PORTFOLIO
from dangjian.org.models import Body, BodyKind, CadreType, Person, PoliticalStatus, Post, PostKind
from dangjian.org.services import (
    body_dissolve,
    body_merge,
    body_rename,
    body_update,
    person_create,
    person_leave,
    person_update,
    post_assign,
    post_end,
)


def _current(body: Body, kind: str) -> Post:
    return Post.objects.select_related("person", "body").get(body=body, kind=kind,
                                                              end__isnull=True)


def _day(rng: random.Random, year: int, months: tuple[int, int] = (2, 11)) -> dt.date:
    return dt.date(year, rng.randint(*months), rng.randint(1, 28))


def _rename(county: DemoCounty, on: dt.date) -> None:
    old, new = RENAMED
    dept = county.dept(old)
    for body in (dept.unit, dept.leading_group, dept.top, *dept.branches):
        if body is not None and old in body.name:
            body_rename(actor=county.admin, body=body, name=body.name.replace(old, new), on=on)
    unit = dept.unit
    body_update(actor=county.admin, body=unit, short_name="县城管执法局", code=unit.code,
                sort_order=unit.sort_order)


def _merge(county: DemoCounty, on: dt.date) -> None:
    """The smaller department's branch, 党组 and 纪检 go first, then the department itself."""
    src, dst = county.dept(MERGED[0]), county.dept(MERGED[1])
    actor = county.admin
    assert src.leading_group is not None and dst.leading_group is not None
    head = _current(src.leading_group, PostKind.LEADING_GROUP_SECRETARY).person
    people = [head, *src.people]
    body_merge(actor=actor, body=src.top, into=dst.branches[0], on=on)
    reason = f"机构改革，{src.spec.short}职责并入{dst.spec.short}"
    body_dissolve(actor=actor, body=src.leading_group, on=on, reason=f"{reason}，党组撤销")
    body_dissolve(actor=actor, body=src.discipline, on=on, reason=reason)
    body_merge(actor=actor, body=src.unit, into=dst.unit, on=on)
    for person in people:  # the merger moved them to the other department
        person.refresh_from_db()
    person_update(actor=actor, person=head, job_title=dst.spec.deputy, rank="副科级")
    post_assign(actor=actor, person=head, body=dst.leading_group,
                kind=PostKind.LEADING_GROUP_MEMBER, start=on + dt.timedelta(days=1),
                portfolio="分管乡村振兴、农村社会事业工作")
    dst.people.extend(src.people)
    src.people = []


def _new_head(county: DemoCounty, dept: DemoDept, rng: random.Random, on: dt.date) -> Person:
    """Someone transferred in from outside the county's organs to head the department."""
    fields = county.maker.fork(rng).fields(
        unit=dept.unit, branch=dept.branches[0], majors=dept.spec.majors, age=(42, 52),
        job_title=dept.spec.head, rank="正科级",
    )
    return person_create(actor=county.admin, **fields)


def _fill_seat(county: DemoCounty, dept: DemoDept, rng: random.Random, seat: Post,
               on: dt.date) -> None:
    """A member of staff steps up into the 党组 seat the new 党组书记 left."""
    free = Person.objects.filter(unit=dept.unit, left_on__isnull=True, posts__isnull=True,
                                 political_status=PoliticalStatus.MEMBER).order_by("pk")
    staff = list(free.filter(birth_date__year__lte=BASE.year - 35)) or list(free)
    if staff:
        person = rng.choice(staff)
        person_update(actor=county.admin, person=person, job_title=dept.spec.deputy,
                      rank="副科级")
    else:  # nobody to promote in a small unit: someone is transferred in
        person = person_create(actor=county.admin, **county.maker.fork(rng).fields(
            unit=dept.unit, branch=dept.branches[0], majors=dept.spec.majors, age=(35, 50),
            job_title=dept.spec.deputy, rank="副科级",
        ))
    post_assign(actor=county.admin, person=person, body=seat.body, kind=seat.kind,
                start=on + dt.timedelta(days=14), portfolio=seat.portfolio)


def _handovers(county: DemoCounty, rng: random.Random, year: int) -> None:
    """Five departments get a new 党组书记: promoted from the 党组, or transferred in."""
    actor = county.admin
    skip = {SHOWCASE, *MERGED, RENAMED[0]}
    candidates = [d for d in county.active_depts if d.spec.name not in skip]
    for i, dept in enumerate(rng.sample(candidates, 5)):
        assert dept.leading_group is not None
        on = _day(rng, year)
        old = _current(dept.leading_group, PostKind.LEADING_GROUP_SECRETARY)
        if i % 2 == 0:
            post_end(actor=actor, post=old, on=on, reason="工作调动")
            person_leave(actor=actor, person=old.person, on=on, reason="调任其他单位")
            members = list(Post.objects.select_related("person").filter(
                body=dept.leading_group, kind=PostKind.LEADING_GROUP_MEMBER, end__isnull=True,
            ).order_by("pk"))
            seat = rng.choice(members)
            post_end(actor=actor, post=seat, on=on, reason="任党组书记")
            successor = seat.person
            person_update(actor=actor, person=successor, job_title=dept.spec.head,
                          rank="正科级")
            _fill_seat(county, dept, rng, seat, on)
        else:
            post_end(actor=actor, post=old, on=on, reason="到龄退出领导岗位")
            person_update(actor=actor, person=old.person, job_title="一级主任科员",
                          rank="一级主任科员")
            successor = _new_head(county, dept, rng, on)
            dept.people.append(successor)
        post_assign(actor=actor, person=successor, body=dept.leading_group,
                    kind=PostKind.LEADING_GROUP_SECRETARY, start=on, portfolio=HEAD_PORTFOLIO)


def _branch_elections(county: DemoCounty, rng: random.Random, year: int,
                      keep: set[Body]) -> None:
    """Four branches with a committee hold elections (换届): a committee member takes over."""
    actor = county.admin
    with_committee = set(Post.objects.filter(
        kind=PostKind.ORG_COMMITTEE_MEMBER, end__isnull=True, body__kind=BodyKind.BRANCH,
    ).values_list("body_id", flat=True))
    branches = [
        b for d in county.active_depts if d.spec.size != Size.SMALL
        for b in d.branches if b not in keep and b.pk in with_committee
    ]
    for branch in rng.sample(branches, 4):
        on = _day(rng, year)
        old = _current(branch, PostKind.ORG_SECRETARY)
        seat = rng.choice(list(Post.objects.select_related("person").filter(
            body=branch, kind=PostKind.ORG_COMMITTEE_MEMBER, end__isnull=True).order_by("pk")))
        post_end(actor=actor, post=old, on=on, reason="支部换届")
        post_end(actor=actor, post=seat, on=on, reason="当选支部书记")
        post_assign(actor=actor, person=old.person, body=branch,
                    kind=PostKind.ORG_COMMITTEE_MEMBER, start=on, portfolio=seat.portfolio)
        successor = seat.person
        if not successor.is_party_cadre:
            person_update(actor=actor, person=successor, is_party_cadre=True,
                          cadre_type=CadreType.PART_TIME)
        post_assign(actor=actor, person=successor, body=branch, kind=PostKind.ORG_SECRETARY,
                    start=on)


def _dissolving(county: DemoCounty, rng: random.Random) -> DemoDept:
    """The big department that will fold its last branch into the others."""
    skip = {SHOWCASE, *MERGED}
    return rng.choice([d for d in county.active_depts
                       if d.spec.size == Size.BIG and d.spec.name not in skip])


def _dissolve_branch(county: DemoCounty, dept: DemoDept, rng: random.Random,
                     on: dt.date) -> Body:
    branch, others = dept.branches[-1], dept.branches[:-1]
    for person in Person.objects.filter(branch=branch, left_on__isnull=True).order_by("pk"):
        person_update(actor=county.admin, person=person, branch=rng.choice(others))
    body_dissolve(actor=county.admin, body=branch, on=on,
                  reason="支部设置调整，党员编入本机关其他党支部")
    dept.branches = others
    return branch


def _retirements(county: DemoCounty, rng: random.Random, year: int) -> None:
    born_by = BASE.year - 57
    elders = list(Person.objects.filter(
        unit__kind=BodyKind.UNIT, birth_date__year__lte=born_by, left_on__isnull=True,
        posts__isnull=True,
    ).order_by("pk"))
    for person in rng.sample(elders, min(3, len(elders))):
        person_leave(actor=county.admin, person=person, on=_day(rng, year), reason="退休")


def build_history(county: DemoCounty) -> None:
    rng = county.rng_for("history")
    year = max(county.current_year - 1, BASE.year)
    showcase = county.dept(SHOWCASE)
    _rename(county, dt.date(year, 3, 1))
    _merge(county, dt.date(year, 6, 30))
    _handovers(county, rng, year)
    dissolving = _dissolving(county, rng)
    # The demo accounts' branch keeps its secretary; the branch to be dissolved holds no election.
    _branch_elections(county, rng, year, keep={showcase.branches[0], dissolving.branches[-1]})
    _dissolve_branch(county, dissolving, rng, dt.date(year, 9, 30))
    _retirements(county, rng, year)
    for dept in [*county.offices, *county.depts]:  # their people as they are now
        dept.people = list(Person.objects.filter(pk__in=[p.pk for p in dept.people])
                           .select_related("unit", "branch").order_by("pk"))
