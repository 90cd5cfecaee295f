"""Accounts for many people at once (R0.3): each through `user_create` and `role_grant`.

Each person gets a username from the pinyin of their name and a random first password that meets
the policy; the account must change it at the first login (`must_change_password`, as for any
account an administrator creates). The passwords are returned once, to be handed out on paper or
as an .xlsx list, and are kept nowhere.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.accounts.models import User
from dangjian.accounts.services import role_grant, user_create
from dangjian.core.batch import MAX_BATCH, BatchOutcome, run_each
from dangjian.org.models import Person, Role
from dangjian.org.scope import Perm, require_body, require_perm

# No 0/O, 1/l/I: read off paper and typed by hand.
_UPPER, _LOWER, _DIGITS = "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789"
_NOT_NAME = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True)
class Issued:
    """One account made: what goes on the handout sheet."""

    person: Person
    user: User
    password: str


def first_password(user: User | None = None) -> str:
    """12 characters in three groups (e.g. "Kp7m-Xq4r-Tz3w"), meeting the password policy."""
    alphabet = _UPPER + _LOWER + _DIGITS
    while True:
        groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)]
        password = "-".join(groups)
        if not (set(password) & set(_UPPER) and set(password) & set(_LOWER)
                and set(password) & set(_DIGITS)):
            continue
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def username_for(person: Person) -> str:
    """The pinyin of the name (张三 → zhangsan), numbered if taken (zhangsan2, …)."""
    from pypinyin import lazy_pinyin

    base = _NOT_NAME.sub("", "".join(lazy_pinyin(person.name)).lower())[:24] or f"u{person.pk}"
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def people_without_account(people: Any) -> Any:
    return people.filter(account__isnull=True, left_on__isnull=True)


def users_bulk_create(*, actor: Any, people: Sequence[Person],
                      grant_member: bool = True) -> BatchOutcome[Person, Issued]:
    """An account for each person (and the 党员 role on their branch, if asked), each on its own;
    a person who already has an account, has left, or is out of the actor's scope is refused
    with the reason while the others go on."""
    require_perm(actor, Perm.ACCOUNT_MANAGE)
    if not people:
        raise ValidationError("请先勾选要开通账号的人员")
    if len(people) > MAX_BATCH:
        raise ValidationError(f"一次最多开通{MAX_BATCH}个账号")

    @transaction.atomic
    def one(person: Person) -> Issued:
        person = Person.objects.select_for_update(of=("self",)).select_related(
            "unit", "branch").get(pk=person.pk)
        place = person.branch or person.unit
        require_body(actor, Perm.ACCOUNT_MANAGE, place)
        if person.left_on is not None:
            raise ValidationError("已调离")
        if User.objects.filter(person=person).exists():
            raise ValidationError("已有账号")
        probe = User(username=username_for(person), last_name=person.name, person=person)
        password = first_password(probe)
        user = user_create(actor=actor, username=probe.username, password=password,
                           full_name=person.name, person=person)
        if grant_member and person.branch is not None:
            role_grant(actor=actor, user=user, role=Role.MEMBER, body=person.branch,
                       recursive=False)
        return Issued(person=person, user=user, password=password)

    return run_each(people, one)
