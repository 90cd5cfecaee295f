"""The password policy's own validators (settings.AUTH_PASSWORD_VALIDATORS, beside Django's
length, similarity, common-password and all-digits ones), with Chinese messages.

- LengthValidator: at least N characters.
- CharacterClassValidator: at least N of the four classes (upper, lower, digit, other).
- PersonNameValidator: not the username, the pinyin of the account's or its person's name, or
  either reversed, however decorated with digits and symbols.
- BlocklistValidator: not the published demo password nor the project's or the demo county's
  names dressed up with digits and symbols ("Dangjian@2024", "qinghe2024").

PUBLISHED_PASSWORDS are the passwords printed in this repository (the demo's, the tests'):
start-up in production refuses while any account still has one (core/checks.py). The tests'
builders set theirs through the policy, so only the demo's is also in the blocklist.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

DEMO_PASSWORD = "Dangjian@2024"
PUBLISHED_PASSWORDS = (DEMO_PASSWORD, "Dangjian-test-2026")

# Words whose every decoration is refused: the project, the demo county and its bodies, and the
# names an attacker tries first on a Chinese party-building system.
BLOCKED_WORDS = frozenset({
    "dangjian", "dangjiangongzuo", "dangjianxitong", "jiguandangjian", "xianzhijiguan",
    "qinghe", "qinghexian", "qh", "gongwei", "jiguangongwei", "zuzhibu", "jiwei", "xianwei",
    "wenmingban", "dangyuan", "dangzu", "zhibu", "gwadmin", "admin", "administrator", "root",
    "password", "passw", "mima", "woaini", "zhongguo", "china", "gongchandang", "dangzhibu",
    "qwerty", "qwertyuiop", "asdfgh", "zxcvbn", "abc", "abcd", "test", "demo", "welcome",
})

_SYMBOLS = str.maketrans({"@": "a", "$": "s", "!": "i", "|": "l"})
_NOT_LETTERS = re.compile(r"[^a-z]")


def _cores(password: str) -> set[str]:
    """The password's letters, lower-cased: as typed, and with symbols read as letters."""
    low = password.lower()
    return {_NOT_LETTERS.sub("", low), _NOT_LETTERS.sub("", low.translate(_SYMBOLS))}


class LengthValidator:
    """Django's own says it in English under Django 5.2's zh-hans catalogue: ours, in Chinese."""

    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少须{self.min_length}个字符",
                                  code="password_too_short")

    def get_help_text(self) -> str:
        return f"至少{self.min_length}个字符"


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = sum(bool(re.search(p, password))
                      for p in (r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]"))
        if classes < self.min_classes:
            raise ValidationError(
                f"密码须至少包含大写字母、小写字母、数字、符号中的{self.min_classes}类",
                code="password_too_simple")

    def get_help_text(self) -> str:
        return f"至少包含大写字母、小写字母、数字、符号中的{self.min_classes}类"


def name_pinyins(name: str) -> set[str]:
    """The pinyin spellings of a Chinese name (each reading of a many-read character, e.g.
    曾 zeng/ceng), whole and given-name-first, e.g. 张三 → {"zhangsan", "sanzhang"}."""
    from pypinyin import Style, pinyin

    chars = [c for c in name if "\u4e00" <= c <= "\u9fff"]
    if not chars:
        return set()
    readings = pinyin("".join(chars), style=Style.NORMAL, heteronym=True)
    out: set[str] = set()
    for combo in itertools.islice(itertools.product(*readings), 64):
        syllables = [s.lower() for s in combo]
        out.add("".join(syllables))
        if len(syllables) > 1:
            for split in (1, 2) if len(syllables) > 2 else (1,):
                out.add("".join(syllables[split:] + syllables[:split]))
    return out


def _personal_words(user: Any) -> set[str]:
    words: set[str] = set()
    username = str(getattr(user, "username", "") or "").lower()
    if len(username) >= 3:
        words |= {username, username[::-1]}
    names = {str(user.get_full_name() or "")} if hasattr(user, "get_full_name") else set()
    person = getattr(user, "person", None) if getattr(user, "person_id", None) else None
    if person is not None:
        names.add(str(person.name))
    for name in names:
        for spelling in name_pinyins(name):
            words |= {spelling, spelling[::-1]}
    return {w for w in words if len(w) >= 3}


class PersonNameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        low = password.lower()
        haystacks = {low, *_cores(password)}
        for word in sorted(_personal_words(user), key=len, reverse=True):
            if any(word in hay for hay in haystacks):
                raise ValidationError("密码不能包含用户名或姓名（含拼音、倒序）",
                                      code="password_has_name")
        full_name = str(user.get_full_name() or "") if hasattr(user, "get_full_name") else ""
        if len(full_name) >= 2 and full_name in password:
            raise ValidationError("密码不能包含用户名或姓名（含拼音、倒序）",
                                  code="password_has_name")

    def get_help_text(self) -> str:
        return "不能包含用户名或姓名（含拼音、倒序）"


class BlocklistValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if password.lower() == DEMO_PASSWORD.lower() or _cores(password) & BLOCKED_WORDS:
            raise ValidationError("该密码是公开的演示密码或由常见词加数字符号组成，请换一个",
                                  code="password_blocked")

    def get_help_text(self) -> str:
        return "不能是演示密码，也不能由系统名称、县名等常见词加数字符号组成"


def password_expired(user: Any) -> bool:
    """Past settings.PASSWORD_MAX_AGE_DAYS since it was set (never, when that is 0)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if days <= 0:
        return False
    since = user.password_changed_at or user.date_joined
    return bool(since and (timezone.now() - since).days >= days)
