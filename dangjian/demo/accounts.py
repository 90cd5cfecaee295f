"""Demo accounts: one per role, each linked to the person who holds that role in the county.

The plain password is kept here on purpose: it is a demo, printed by `dangjian demo-accounts`.
Only its hash is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dangjian.accounts.models import User
from dangjian.accounts.passwords import DEMO_PASSWORD  # the blocklist refuses it
from dangjian.accounts.services import demo_user_create, role_grant
from dangjian.demo.catalog import SHOWCASE
from dangjian.demo.county import DemoCounty
from dangjian.org.models import Body, Person, PoliticalStatus, Post, PostKind, Role, RoleAssignment
from dangjian.security.services import auditor_create


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    # Their workbench is what the modules' demo work leaves them (notify's task sources).


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("gwadmin", Role.WORK_COMMITTEE_ADMIN),
    DemoAccount("gongwei", Role.WORK_COMMITTEE_STAFF),
    DemoAccount("zuzhibu", Role.ORGANIZATION_DEPT),
    DemoAccount("xianwei", Role.COUNTY_COMMITTEE),
    DemoAccount("jiwei", Role.DISCIPLINE_COMMISSION),
    DemoAccount("wenmingban", Role.CIVILIZATION_OFFICE),
    DemoAccount("dzsj", Role.LEADING_GROUP_SECRETARY),
    DemoAccount("zbsj", Role.ORG_SECRETARY),
    DemoAccount("jjwy", Role.DISCIPLINE_MEMBER),
    DemoAccount("shenji", Role.AUDIT_ADMIN),
    DemoAccount("dangyuan", Role.MEMBER),
)


def _holder(body: Body, kind: str) -> Person:
    return Post.objects.select_related("person").filter(
        body=body, kind=kind, end__isnull=True).order_by("pk")[0].person


def _staff(people: list[Person], skip: int = 0) -> Person:
    """A member of an office's staff (past its head and deputy)."""
    members = [p for p in people[2:] if p.political_status == PoliticalStatus.MEMBER
               and p.left_on is None]
    return members[skip]


def _create(account: DemoAccount, body: Body, person: Person | None,
            recursive: bool = True) -> User:
    full_name = person.name if person else f"{account.role.label}演示账号"
    user = demo_user_create(username=account.username, password=DEMO_PASSWORD,
                            full_name=full_name, person=person)
    role_grant(actor=None, user=user, role=account.role, body=body, recursive=recursive,
               check_scope=False)
    return user


def admin_create(county: DemoCounty) -> User:
    """The 工委 administrator comes first: the history is recorded as their work."""
    user = _create(ACCOUNTS[0], county.root, _staff(county.work_committee.people))
    county.accounts[user.username] = user
    return user


def accounts_create(county: DemoCounty) -> dict[str, User]:
    """The other demo accounts, linked to whoever holds their post now (after the history)."""
    show = county.dept(SHOWCASE)
    branch = show.branches[0]
    assert show.leading_group is not None
    places: dict[str, tuple[Body, Person | None, bool]] = {
        "gongwei": (county.root, _staff(county.work_committee.people, 1), True),
        "zuzhibu": (county.root, _staff(county.org_dept.people), True),
        "xianwei": (county.root, None, True),
        "jiwei": (county.root, _staff(county.discipline_commission.people), True),
        "wenmingban": (county.root, county.civilization_office.people[1], True),
        "dzsj": (show.unit, _holder(show.leading_group, PostKind.LEADING_GROUP_SECRETARY), True),
        "zbsj": (branch, _holder(branch, PostKind.ORG_SECRETARY), True),
        "jjwy": (show.unit, _holder(show.discipline, PostKind.DISCIPLINE_MEMBER), True),
    }
    for account in ACCOUNTS[1:-1]:
        if account.role == Role.AUDIT_ADMIN:  # set on the server in production
            county.accounts[account.username] = auditor_create(
                username=account.username, password=DEMO_PASSWORD, full_name="安全审计员演示账号",
                operator="演示数据", demo=True)
            continue
        body, person, recursive = places[account.username]
        county.accounts[account.username] = _create(account, body, person, recursive)
    county.accounts["dangyuan"] = _create(ACCOUNTS[-1], branch, _ordinary_member(branch),
                                          recursive=False)
    return county.accounts


def _ordinary_member(branch: Body) -> Person:
    """A member of the branch who never held a post, else one who holds none now."""
    members = Person.objects.filter(branch=branch, left_on__isnull=True, account__isnull=True,
                                    political_status=PoliticalStatus.MEMBER).order_by("pk")
    member = (members.exclude(pk__in=Post.objects.values("person_id")).first()
              or members.exclude(pk__in=Post.objects.current().values("person_id")).first()
              or members.first())
    assert member is not None, f"{branch.name}没有党员"
    return member


def accounts_list() -> list[dict[str, str]]:
    """The demo accounts as they are in the database (for `dangjian demo-accounts`)."""
    users = {u.username: u for u in User.objects.filter(
        username__in=[a.username for a in ACCOUNTS])}
    grants: dict[int, RoleAssignment] = {
        ra.user_id: ra for ra in RoleAssignment.objects.filter(
            user__in=users.values(), valid_to__isnull=True).select_related("body")
    }
    rows = []
    for account in ACCOUNTS:
        user = users.get(account.username)
        grant = grants.get(user.pk) if user else None
        if user is None or grant is None:
            continue
        scope = grant.body.name + ("（含下级）" if grant.recursive else "")
        rows.append({
            "role": str(grant.role), "role_label": Role(grant.role).label,
            "username": user.username, "password": DEMO_PASSWORD, "scope": scope,
            "name": str(user),
        })
    return rows


def accounts_table(rows: list[dict[str, Any]]) -> str:
    """A plain table; CJK characters count as two columns so the columns line up."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    def pad(text: str, n: int) -> str:
        return text + " " * (n - width(text))

    head = ("角色", "用户名", "密码", "姓名", "范围")
    keys = ("role_label", "username", "password", "name", "scope")
    table = [head, *[tuple(str(r[k]) for k in keys) for r in rows]]
    widths = [max(width(row[i]) for row in table) for i in range(len(head))]
    lines = ["  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
