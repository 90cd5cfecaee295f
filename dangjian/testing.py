"""A small county for tests: real rows through the real services, one user per demo role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.accounts.services import role_grant, user_create
from dangjian.org.idcard import make_id_number
from dangjian.org.models import Body, BodyKind, Gender, Person, PoliticalStatus, PostKind, Role
from dangjian.org.services import body_create, person_create, post_assign
from dangjian.testing_rows import RowCopy

START = dt.date(2020, 1, 1)
PASSWORD = "Dangjian-test-2026"


@dataclass
class Dept:
    unit: Body
    leading_group: Body
    committee: Body
    branches: list[Body]
    discipline: Body
    people: list[Person] = field(default_factory=list)


@dataclass
class County:
    root: Body
    org_dept: Body
    work_committee: Body
    discipline_commission: Body
    civilization_office: Body
    depts: list[Dept]
    users: dict[str, User]
    copy_key: tuple[Any, ...] | None = None  # set when written back from a copy (`county_copy`)

    def user(self, role: str) -> User:
        if role == Role.AUDIT_ADMIN and role not in self.users:
            # Made on first use: it is set on the server, and the other roles' tests need it not.
            from dangjian.security.services import auditor_create

            self.users[role] = auditor_create(username="t_audit_admin", password=PASSWORD,
                                              full_name="测试安全审计员", operator="测试")
        return self.users[role]

    def objects(self) -> dict[str, Any]:
        """Named records for route tests: '*_own' sit in the first department's first branch
        (inside the branch secretary's and 党组书记's scope), '*_other' in another department."""
        from dangjian.org.models import Post

        a, b = self.depts[0], self.depts[1]
        return {
            "person_own": a.people[0],
            "person_self": self.users["member"].person,
            "person_other": b.people[0],
            "body_own": a.branches[0],
            "body_unit_own": a.unit,
            "body_other": b.branches[0],
            "body_unit_other": b.unit,
            "post_own": Post.objects.get(body=a.branches[0]),
            "post_other": Post.objects.get(body=b.leading_group),
            "user_other": self.users["member"],
            "role_assignment": self.users["member"].role_assignments.get(),
            "attachment_own": _attachment(a.people[0]),
            "attachment_other": _attachment(b.people[0]),
            **self._plans(),
            **self._boxes(),
            **self._module_objects(),
        }

    def _module_objects(self) -> dict[str, Any]:
        """Each app may add named records through `<app>.testing.matrix_objects(county)` (an
        app's testing module may hold other test helpers and no records)."""
        import importlib

        from django.apps import apps

        out: dict[str, Any] = {}
        for config in apps.get_app_configs():
            if not config.name.startswith("dangjian."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.testing")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.testing":
                    raise
                continue
            provide = getattr(module, "matrix_objects", None)
            if provide is not None:
                out.update(provide(self))
        return out

    def _boxes(self) -> dict[str, Any]:
        from dangjian.ballots.services import box_create

        return {
            f"box_{suffix}": box_create(
                actor=None, title=f"测评{suffix}", purpose="test", owner_body=dept.branches[0],
                candidates=[("甲", "", "")], check_scope=False)
            for suffix, dept in (("own", self.depts[0]), ("other", self.depts[1]))
        }

    def _plans(self) -> dict[str, Any]:
        """A rectification plan with one item in the first department (verified by 工委)
        and one in the other department."""
        from dangjian.cycles.services import year_ensure
        from dangjian.rectification.services import item_add, plan_create

        year = year_ensure(year=timezone.localdate().year, make_current=True)
        out: dict[str, Any] = {}
        for suffix, dept in (("own", self.depts[0]), ("other", self.depts[1])):
            plan = plan_create(actor=None, year=year, source="test", title=f"整改方案{suffix}",
                               owner_body=dept.branches[0], verifier_body=self.work_committee,
                               check_scope=False)
            item = item_add(actor=None, plan=plan, problem="学习制度落实不到位",
                            deadline=year.ends, check_scope=False)
            out[f"plan_{suffix}"], out[f"item_{suffix}"] = plan, item
        return out


_serial = 0
# The smallest valid PNG: evidence for tests.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _attachment(record: Any) -> Any:
    from dangjian.evidence.services import evidence_attach

    return evidence_attach(actor=None, record=record, name="佐证.png", data=TINY_PNG)


def make_person(unit: Body, branch: Body | None, name: str, **extra: Any) -> Person:
    global _serial
    _serial += 1
    birth = dt.date(1970 + _serial % 30, 1 + _serial % 12, 1 + _serial % 28)
    fields: dict[str, Any] = {
        "name": name,
        "gender": Gender.FEMALE if _serial % 2 else Gender.MALE,
        "birth_date": birth,
        "id_number": make_id_number("410100", birth, _serial),
        "unit": unit,
        "branch": branch,
        "political_status": PoliticalStatus.MEMBER if branch else PoliticalStatus.MASSES,
        "party_join_date": dt.date(birth.year + 25, 7, 1) if branch else None,
    }
    fields.update(extra)
    return person_create(actor=None, check_scope=False, **fields)


def _body(name: str, kind: str, parent: Body | None) -> Body:
    return body_create(actor=None, name=name, kind=kind, parent=parent, valid_from=START,
                       check_scope=False)


def _dept(root: Body, name: str, n_branches: int = 2) -> Dept:
    unit = _body(name, BodyKind.UNIT, root)
    lg = _body(f"中共{name}党组", BodyKind.LEADING_GROUP, unit)
    committee = _body(f"中共{name}机关委员会", BodyKind.ORGAN_COMMITTEE, unit)
    branches = [
        _body(f"{name}第{i + 1}党支部", BodyKind.BRANCH, committee) for i in range(n_branches)
    ]
    disc = _body(f"{name}机关纪委", BodyKind.ORGAN_DISCIPLINE, unit)
    dept = Dept(unit, lg, committee, branches, disc)
    for i, branch in enumerate(branches):
        for j in range(3):
            dept.people.append(make_person(unit, branch, f"{name[:2]}{i}{j}号"))
    return dept


def build_county(n_depts: int = 2) -> County:
    root = _body("中共示范县委员会", BodyKind.COUNTY_COMMITTEE, None)
    org_dept = _body("中共示范县委组织部", BodyKind.ORGANIZATION_DEPT, root)
    wc = _body("中共示范县直属机关工作委员会", BodyKind.WORK_COMMITTEE, root)
    dc = _body("中共示范县纪律检查委员会", BodyKind.DISCIPLINE_COMMISSION, root)
    co = _body("示范县精神文明建设委员会办公室", BodyKind.CIVILIZATION_OFFICE, root)
    names = ["县教育局", "县财政局", "县民政局", "县交通局"][:n_depts]
    depts = [_dept(root, name) for name in names]
    a = depts[0]
    secretary, branch_sec, disc_member, member = a.people[0], a.people[1], a.people[4], a.people[2]
    post_assign(actor=None, person=secretary, body=a.leading_group,
                kind=PostKind.LEADING_GROUP_SECRETARY, start=START, check_scope=False)
    post_assign(actor=None, person=branch_sec, body=a.branches[0],
                kind=PostKind.ORG_SECRETARY, start=START, check_scope=False)
    post_assign(actor=None, person=disc_member, body=a.discipline,
                kind=PostKind.DISCIPLINE_MEMBER, start=START, check_scope=False)
    b = depts[1]
    post_assign(actor=None, person=b.people[0], body=b.leading_group,
                kind=PostKind.LEADING_GROUP_SECRETARY, start=START, check_scope=False)

    def account(role: str, body: Body, person: Person | None = None,
                recursive: bool = True) -> User:
        user = user_create(actor=None, username=f"t_{role}", password=PASSWORD,
                           full_name=f"测试{Role(role).label}", person=person,
                           check_scope=False)
        role_grant(actor=None, user=user, role=role, body=body, recursive=recursive,
                   check_scope=False)
        return user

    users = {
        Role.WORK_COMMITTEE_ADMIN: account(Role.WORK_COMMITTEE_ADMIN, root),
        Role.ORGANIZATION_DEPT: account(Role.ORGANIZATION_DEPT, root),
        Role.COUNTY_COMMITTEE: account(Role.COUNTY_COMMITTEE, root),
        Role.DISCIPLINE_COMMISSION: account(Role.DISCIPLINE_COMMISSION, root),
        Role.CIVILIZATION_OFFICE: account(Role.CIVILIZATION_OFFICE, root),
        Role.LEADING_GROUP_SECRETARY: account(Role.LEADING_GROUP_SECRETARY, a.unit, secretary),
        Role.ORG_SECRETARY: account(Role.ORG_SECRETARY, a.branches[0], branch_sec),
        Role.DISCIPLINE_MEMBER: account(Role.DISCIPLINE_MEMBER, a.unit, disc_member),
        Role.MEMBER: account(Role.MEMBER, a.branches[0], member, recursive=False),
    }
    return County(root, org_dept, wc, dc, co, depts, {str(k): v for k, v in users.items()})


# The county as `build_county()` leaves it, kept per database and set-up (see `county_copy`).
_copies: dict[tuple[Any, ...], tuple[RowCopy, dict[str, Any], dt.datetime]] = {}


def _copy_key() -> tuple[Any, ...]:
    from django.conf import settings
    from django.db import connection

    return (connection.vendor, connection.settings_dict["NAME"], timezone.localdate(),
            tuple(settings.PASSWORD_HASHERS), settings.SECRET_KEY, settings.DATA_KEY,
            tuple(settings.DATA_KEY_FALLBACKS), settings.BALLOT_CODE_KEY,
            settings.TRAIL_CHECKPOINT_KEY, settings.TIME_ZONE)


def _county_ids(county: County) -> dict[str, Any]:
    return {
        "bodies": [b.pk for b in (county.root, county.org_dept, county.work_committee,
                                  county.discipline_commission, county.civilization_office)],
        "depts": [{"bodies": [d.unit.pk, d.leading_group.pk, d.committee.pk, d.discipline.pk],
                   "branches": [b.pk for b in d.branches], "people": [p.pk for p in d.people]}
                  for d in county.depts],
        "users": {role: user.pk for role, user in county.users.items()},
    }


def _county_from(ids: dict[str, Any]) -> County:
    bodies = Body.objects.in_bulk([*ids["bodies"], *(pk for d in ids["depts"]
                                                     for pk in (*d["bodies"], *d["branches"]))])
    people = Person.objects.in_bulk([pk for d in ids["depts"] for pk in d["people"]])
    users = User.objects.in_bulk(list(ids["users"].values()))
    depts = []
    for d in ids["depts"]:
        unit, lg, committee, disc = (bodies[pk] for pk in d["bodies"])
        depts.append(Dept(unit, lg, committee, [bodies[pk] for pk in d["branches"]], disc,
                          [people[pk] for pk in d["people"]]))
    root, org_dept, wc, dc, co = (bodies[pk] for pk in ids["bodies"])
    return County(root, org_dept, wc, dc, co, depts,
                  {role: users[pk] for role, pk in ids["users"].items()})


_object_copies: dict[tuple[Any, ...], tuple[RowCopy, dict[str, Any], dict[str, bytes]]] = {}


def _files() -> dict[str, bytes]:
    """What the test has under MEDIA_ROOT and in the trail's witness file."""
    from pathlib import Path

    from django.conf import settings

    media = Path(settings.MEDIA_ROOT)
    out = {f"media/{p.relative_to(media)}": p.read_bytes()
           for p in (media.rglob("*") if media.exists() else ()) if p.is_file()}
    witness = Path(settings.TRAIL_WITNESS_PATH)
    if witness.exists():
        out["witness"] = witness.read_bytes()
    return out


def _files_write(files: dict[str, bytes]) -> None:
    import os
    from pathlib import Path

    from django.conf import settings

    for name, data in files.items():
        path = (Path(settings.TRAIL_WITNESS_PATH) if name == "witness"
                else Path(settings.MEDIA_ROOT) / name.removeprefix("media/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.chmod(path, 0o600)


def county_objects(county: County) -> dict[str, Any]:
    """`county.objects()`, for a county just written back from a copy (`county_copy`) and
    nothing written since: its rows and files written back from a copy after the first time.
    Otherwise (a county that was built) `county.objects()` itself."""
    key = county.copy_key
    kept = _object_copies.get(key) if key is not None else None
    if kept is not None:
        copy, names, files = kept
        if copy.matches() and not _files():
            copy.restore()
            _files_write(files)
            return {name: value if model is None else model._default_manager.get(pk=value)
                    for name, (model, value) in names.items()}
        return county.objects()
    if key is None or _files():
        return county.objects()
    made, objects = RowCopy.take(county.objects, changes=True)
    if made is not None:  # records by model and pk; other values (days) as they are
        _object_copies[key] = (made, {n: (type(v), v.pk) if isinstance(v, Model) else (None, v)
                                      for n, v in objects.items()}, _files())
    return objects


def county_copy() -> County:
    """`build_county()`'s county, its rows written back from a copy taken the first time (per
    database, day and keys): the same rows, read back as fresh instances, in a fraction of the
    time. Only inside a test's transaction (a transactional test's build commits and runs its
    on-commit effects) and on a database as it was when the copy was taken; otherwise, and
    when the clock stands before the copy was taken (a test travelling back within the day),
    the county is built."""
    from django.db import connection

    if not connection.in_atomic_block:
        return build_county()
    key = _copy_key()
    kept = _copies.get(key)
    if kept is not None:
        copy, ids, at = kept
        if timezone.now() >= at and copy.matches():
            copy.restore()
            county = _county_from(ids)
            county.copy_key = key
            return county
        return build_county()
    made, county = RowCopy.take(build_county)
    if made is not None:
        _copies[key] = (made, _county_ids(county), timezone.now())
    return county


@dataclass
class SmallCounty:
    """Another tree root with a few departments, for what differs between counties."""

    root: Body
    depts: list[Dept]
    admin: User


def build_small_county(name: str, n_depts: int = 1) -> SmallCounty:
    """A second county next to `build_county()`'s: its root, `n_depts` departments (two
    branches, six members each) and a 工委 administrator over it (username `<name>_admin`)."""
    root = _body(f"中共{name}委员会", BodyKind.COUNTY_COMMITTEE, None)
    depts = [_dept(root, f"{name}第{i + 1}局") for i in range(n_depts)]
    admin = user_create(actor=None, username=f"{name}_admin", password=PASSWORD,
                        full_name=f"{name}管理员", check_scope=False)
    role_grant(actor=None, user=admin, role=Role.WORK_COMMITTEE_ADMIN, body=root,
               check_scope=False)
    return SmallCounty(root, depts, admin)
