"""Demo accounts: one per role, each linked to the person who holds that role in the county.

The plain password is kept here on purpose: it is a demo, printed by `dangjian demo-accounts`.
Only its hash is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.passwords import DEMO_PASSWORD  # the blocklist refuses it
from dangjian.accounts.services import demo_user_create, role_grant
from dangjian.demo.catalog import SHOWCASE
from dangjian.demo.county import DemoCounty
from dangjian.notify.services import task_open
from dangjian.org.models import Body, Person, PoliticalStatus, Post, PostKind, Role, RoleAssignment
from dangjian.security.services import auditor_create


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    # What they have to do, for the workbench: (module, overdue, due soon, due later).
    tasks: tuple[str, str, str, str]


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("gwadmin", Role.WORK_COMMITTEE_ADMIN, (
        "党建考核", "审核各部门年度党建工作责任清单", "组织开展年度党建考核民主测评",
        "汇总报送年度机关党建工作总结")),
    DemoAccount("gongwei", Role.WORK_COMMITTEE_STAFF, (
        "党建考核", "录入各部门听取汇报记录", "整理实地察看照片和佐证材料",
        "起草年度考核反馈意见")),
    DemoAccount("zuzhibu", Role.ORGANIZATION_DEPT, (
        "党建考核", "会同工委确定年度考核指标体系", "审阅党组书记抓党建述职报告",
        "研判年度考核结果")),
    DemoAccount("xianwei", Role.COUNTY_COMMITTEE, (
        "述职评议", "听取县直机关工委工作汇报", "出席党组书记抓党建述职评议会",
        "审定年度党建考核等次")),
    DemoAccount("jiwei", Role.DISCIPLINE_COMMISSION, (
        "监督责任", "督促各部门落实监督责任清单", "开展机关纪检工作专项检查",
        "通报年度监督责任落实情况")),
    DemoAccount("wenmingban", Role.CIVILIZATION_OFFICE, (
        "文明创建", "审核文明单位申报材料", "部署文明单位年度复查", "组织年度“身边好人”评选")),
    DemoAccount("dzsj", Role.LEADING_GROUP_SECRETARY, (
        "述职评议", "报送党组书记抓党建述职报告", "召开党组会研究部署党建工作",
        "报送年度党建工作总结")),
    DemoAccount("zbsj", Role.ORG_SECRETARY, (
        "主体责任", "提交本月主题党日记录", "报送本季度“三会一课”台账", "组织开展民主评议党员")),
    DemoAccount("jjwy", Role.DISCIPLINE_MEMBER, (
        "监督责任", "报送监督责任落实情况纪实", "开展廉政风险点排查", "报送年度监督责任履职报告")),
    DemoAccount("shenji", Role.AUDIT_ADMIN, (
        "安全审计", "查阅本周登录失败与越权访问记录", "复核上月账号与授权变更",
        "导出本季度安全日志归档")),
    DemoAccount("dangyuan", Role.MEMBER, (
        "党员", "参加本月主题党日活动", "完成本季度学习教育学时", "参加年度民主评议党员测评")),
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


def tasks_open(county: DemoCounty, now: dt.datetime | None = None) -> None:
    """Three tasks on each demo account's workbench: overdue, due soon, due in a month."""
    now = timezone.localtime(now or timezone.now())
    close_of_day = now.replace(hour=17, minute=30, second=0, microsecond=0)
    year = county.years.get("current")
    for account in ACCOUNTS:
        module, *titles = account.tasks
        user = county.accounts[account.username]
        for i, (days, title) in enumerate(zip((-2, 3, 30), titles, strict=True)):
            task_open(assignee=user, key=f"demo:{account.username}:{i}", module=module,
                      title=title, due_at=close_of_day + dt.timedelta(days=days), year=year)


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
