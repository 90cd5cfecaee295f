"""`dangjian demo-data` and `dangjian demo-accounts` on a real database (R0.9, R0.4, R0.10)."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.cycles.models import Year
from dangjian.demo.accounts import DEMO_PASSWORD
from dangjian.demo.builder import demo_digest
from dangjian.demo.catalog import COUNTY, MERGED, RENAMED
from dangjian.notify.models import Task
from dangjian.org.idcard import id_number_problem
from dangjian.org.models import (
    PARTY_ORG_KINDS,
    Body,
    BodyKind,
    BodyVersion,
    CadreType,
    Person,
    PoliticalStatus,
    Post,
    PostKind,
    Role,
    RoleAssignment,
)
from dangjian.org.scope import Perm, scope_filter
from dangjian.trail.changes import changes_chain
from dangjian.trail.models import TrailEntry
from dangjian.trail.selectors import change_chains
from dangjian.trail.services import trail_verify

pytestmark = pytest.mark.django_db


def _current(body: Body, kind: str) -> Any:
    return Post.objects.filter(body=body, kind=kind, end__isnull=True)


@pytest.mark.req("R0.9")
def test_builds_a_county_of_realistic_size(demo: Any) -> None:
    s = demo["kept"].summary
    assert s["departments"] >= 40 and s["party_orgs"] >= 60 and s["people"] >= 800
    assert "已创建演示数据" in demo["kept"].output
    root = Body.objects.get(kind=BodyKind.COUNTY_COMMITTEE)
    assert root.name == f"中共{COUNTY}委员会"
    for kind in (BodyKind.ORGANIZATION_DEPT, BodyKind.WORK_COMMITTEE,
                 BodyKind.DISCIPLINE_COMMISSION, BodyKind.CIVILIZATION_OFFICE):
        assert Body.objects.filter(kind=kind, parent=root).count() == 1
    kinds = set(Body.objects.current().values_list("kind", flat=True))
    assert {BodyKind.ORGAN_COMMITTEE, BodyKind.GENERAL_BRANCH, BodyKind.BRANCH} <= kinds


@pytest.mark.req("R0.9", "R0.3")
def test_every_department_has_its_party_bodies_and_posts_now(demo: Any) -> None:
    units = list(Body.objects.current().filter(kind=BodyKind.UNIT))
    for unit in units:
        below = Body.objects.current().filter(path__startswith=unit.path)
        lg = below.get(kind=BodyKind.LEADING_GROUP)
        assert _current(lg, PostKind.LEADING_GROUP_SECRETARY).count() == 1, unit.name
        assert _current(lg, PostKind.PARTY_BUILDING_MEMBER).count() == 1, unit.name
        members = _current(lg, PostKind.LEADING_GROUP_MEMBER)
        assert members.exists() and all(p.portfolio for p in members), unit.name
        assert below.filter(kind__in=PARTY_ORG_KINDS).exists(), unit.name
        disc = below.get(kind=BodyKind.ORGAN_DISCIPLINE)
        assert Post.objects.filter(body=disc, end__isnull=True, kind__in=[
            PostKind.DISCIPLINE_SECRETARY, PostKind.DISCIPLINE_MEMBER]).exists(), unit.name
    for org in Body.objects.current().filter(kind__in=PARTY_ORG_KINDS):
        assert _current(org, PostKind.ORG_SECRETARY).count() == 1, org.name
    committees = Body.objects.current().filter(kind=BodyKind.ORGAN_COMMITTEE)
    assert all(_current(c, PostKind.ORG_COMMITTEE_MEMBER).exists() for c in committees)
    held = set(Post.objects.current().values_list("kind", flat=True))
    assert {PostKind.FULL_TIME_CADRE, PostKind.PART_TIME_CADRE} <= held


@pytest.mark.req("R0.9")
def test_people_carry_every_attribute(demo: Any) -> None:
    people = list(Person.objects.select_related("branch"))
    statuses = {p.political_status for p in people}
    assert {PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY,
            PoliticalStatus.MASSES} <= statuses
    for p in people:
        assert p.gender and p.birth_date and p.education and p.job_title and p.rank, p.name
        assert p.id_number and id_number_problem(p.id_number) is None, p.name
        assert int(p.id_number[16]) % 2 == (1 if p.gender == "M" else 0), p.name
        if p.is_party_member:
            assert p.branch is not None and p.party_join_date > p.birth_date, p.name
        else:
            assert p.branch is None and p.party_join_date is None, p.name
    cadres = [p for p in people if p.is_party_cadre]
    assert {p.cadre_type for p in cadres} == {CadreType.FULL_TIME, CadreType.PART_TIME}
    assert any(p.is_reserve_cadre for p in people)
    # 党务干部 are the people holding party posts.
    holders = set(Post.objects.filter(kind__in=[PostKind.FULL_TIME_CADRE,
                                                PostKind.PART_TIME_CADRE])
                  .values_list("person_id", flat=True))
    assert holders <= {p.pk for p in cadres}
    assert len({p.name for p in people}) > 0.8 * len(people)


@pytest.mark.req("R0.9", "R0.1", "R0.3", "R0.5")
def test_last_year_left_history(demo: Any) -> None:
    current = Year.objects.get(is_current=True)
    assert current.year == timezone.localdate().year
    assert current.previous is not None and current.previous.year == current.year - 1
    last = current.year - 1
    renamed = Body.objects.get(name=RENAMED[1])
    old, new = BodyVersion.objects.filter(body=renamed).order_by("valid_from")
    assert (old.name, new.name) == RENAMED and old.valid_to == new.valid_from
    assert new.valid_from.year == last and renamed.is_active
    merged = Body.objects.get(name=MERGED[0])
    assert merged.merged_into is not None and merged.merged_into.name == MERGED[1]
    assert merged.valid_to is not None and merged.valid_to.year == last
    assert not Person.objects.filter(unit=merged).exists()
    dissolved = Body.objects.filter(kind=BodyKind.BRANCH, valid_to__year=last,
                                    merged_into__isnull=True)
    assert dissolved.count() == 1 and not dissolved[0].members.exists()
    # 党组书记 changed hands: one term ends the day the next begins.
    ended = Post.objects.filter(kind=PostKind.LEADING_GROUP_SECRETARY, end__year=last,
                                body__valid_to__isnull=True)
    assert ended.count() == 5
    for post in ended:
        successor = Post.objects.get(body=post.body, kind=post.kind, start=post.end)
        assert successor.person_id != post.person_id and successor.end is None
    assert Post.objects.filter(kind=PostKind.ORG_SECRETARY, end__year=last,
                               end_reason="支部换届").count() == 4
    assert Person.objects.filter(left_on__year=last).count() >= 3
    # Changes were traced as the 工委 administrator's, and the county's chain is intact.
    admin = User.objects.get(username="gwadmin")
    actions = set(TrailEntry.objects.filter(actor=admin).values_list("action", flat=True))
    assert {"rename", "merge", "dissolve", "end", "create", "update"} <= actions
    root = Body.objects.get(parent=None)
    assert TrailEntry.objects.filter(actor=admin, chain=changes_chain(root.path)).exists()
    assert all(trail_verify(chain=chain).ok for chain in change_chains())


@pytest.mark.req("R0.9")
def test_same_seed_gives_the_same_county_and_a_rerun_changes_nothing(demo: Any) -> None:
    first, kept = demo["first"], demo["kept"]
    assert first.summary == kept.summary
    assert first.digest == kept.digest == demo_digest()
    entries = TrailEntry.objects.count()
    for args in (["--seed", "7"], ["--seed", "8"], ["--if-empty"]):
        out = io.StringIO()
        call_command("demo_data", *args, stdout=out)
        assert "未" in out.getvalue()
    assert demo_digest() == kept.digest and TrailEntry.objects.count() == entries
    # The digest does see names: renaming one person changes it.
    Person.objects.filter(pk=Person.objects.order_by("pk")[0].pk).update(name="改名测试")
    assert demo_digest() != kept.digest


def _accounts() -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("demo_accounts", "--json", stdout=out)
    rows: list[dict[str, str]] = json.loads(out.getvalue())
    return rows


@pytest.mark.req("R0.9", "R0.4")
def test_demo_accounts_log_in_and_hold_the_scope_they_claim(demo: Any, client: Any) -> None:
    rows = _accounts()
    assert {r["role"] for r in rows} == set(Role.values)
    for row in rows:
        assert row["password"] == DEMO_PASSWORD and row["role_label"] == Role(row["role"]).label
        response = client.post(reverse("accounts:login"),
                               {"username": row["username"], "password": row["password"]})
        assert response.status_code == 302, row["username"]
        user = User.objects.get(username=row["username"])
        assert client.session["_auth_user_id"] == str(user.pk)
        assert user.password != DEMO_PASSWORD  # stored as a hash
        grant = RoleAssignment.objects.select_related("body").get(user=user,
                                                                  valid_to__isnull=True)
        assert grant.role == row["role"]
        assert row["scope"] == grant.body.name + ("（含下级）" if grant.recursive else "")
        client.post(reverse("accounts:logout"))
    table = io.StringIO()
    call_command("demo_accounts", stdout=table)
    assert all(r["username"] in table.getvalue() for r in rows)
    assert DEMO_PASSWORD in table.getvalue() and "范围" in table.getvalue()


def _user(username: str) -> User:
    return User.objects.select_related("person").get(username=username)


@pytest.mark.req("R0.4")
def test_people_scoped_accounts_see_what_their_post_covers(demo: Any) -> None:
    everyone = Person.objects.all()
    zbsj = _user("zbsj")
    branch = RoleAssignment.objects.get(user=zbsj).body
    assert _current(branch, PostKind.ORG_SECRETARY).get().person == zbsj.person
    seen = set(scope_filter(zbsj, Perm.ORG_VIEW, everyone))
    assert seen == set(Person.objects.filter(branch=branch)) and len(seen) >= 5
    dzsj = _user("dzsj")
    unit = RoleAssignment.objects.get(user=dzsj).body
    lg = Body.objects.get(parent=unit, kind=BodyKind.LEADING_GROUP)
    assert _current(lg, PostKind.LEADING_GROUP_SECRETARY).get().person == dzsj.person
    assert set(scope_filter(dzsj, Perm.ORG_VIEW, everyone)) == set(everyone.filter(unit=unit))
    jjwy = _user("jjwy")
    assert RoleAssignment.objects.get(user=jjwy).body == unit
    assert Post.objects.filter(person=jjwy.person, kind=PostKind.DISCIPLINE_MEMBER,
                               body__parent=unit, end__isnull=True).exists()
    assert set(scope_filter(jjwy, Perm.ORG_VIEW, everyone)) == set(everyone.filter(unit=unit))
    member = _user("dangyuan")
    grant = RoleAssignment.objects.get(user=member)
    assert grant.body == branch and not grant.recursive
    assert list(scope_filter(member, Perm.ORG_VIEW, everyone)) == [member.person]
    for username in ("gwadmin", "zuzhibu", "xianwei", "jiwei"):
        assert scope_filter(_user(username), Perm.ORG_VIEW, everyone).count() == everyone.count()
    assert not scope_filter(_user("jiwei"), Perm.ORG_EDIT, everyone).exists()
    linked = User.objects.filter(person__isnull=False).count()
    # All but the 县委's institutional account and the 安全审计员 (a person of no post).
    assert linked == len(_accounts()) - 2


@pytest.mark.req("R0.10")
def test_workbench_holds_only_real_work(demo: Any, client: Any) -> None:
    """No placeholder tasks: a demo account's workbench is what the modules' work and the
    year's windows leave it, each line with its link."""
    assert not Task.objects.filter(url="").exists()
    assert not Task.objects.filter(key__startswith="demo:").exists()
    client.post(reverse("accounts:login"), {"username": "dzsj", "password": DEMO_PASSWORD})
    page = client.get(reverse("core:workbench")).content.decode()
    assert "我的工作台" in page
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page.split("待办事项", 2)[-1], re.S)
    assert all("<a " in row for row in rows if "<td" in row), rows


@pytest.mark.req("R0.9")
def test_party_body_names_say_zhonggong_and_jiguan_once(demo: Any) -> None:
    names = list(Body.objects.values_list("name", flat=True))
    names += list(Body.objects.values_list("short_name", flat=True))
    names += list(BodyVersion.objects.values_list("name", flat=True))
    assert [n for n in names if "中共中共" in n or "机关机关" in n] == []
    organ = Body.objects.get(name=f"{COUNTY}人大常委会机关")
    assert organ.children.filter(name=f"中共{COUNTY}人大常委会机关支部委员会").exists()
    wc = Body.objects.get(kind=BodyKind.WORK_COMMITTEE)
    assert wc.children.filter(name=f"中共{COUNTY}直属机关工作委员会机关支部委员会").exists()
