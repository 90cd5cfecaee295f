"""Plausible people for the demo county: names, ages, ID numbers, schooling, party standing.

Everything comes from the seeded random generator handed in, so a seed gives the same people.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from dangjian.demo.catalog import BASE, GENERAL_MAJORS, REGIONS, STAFF_RANKS, STAFF_TITLES
from dangjian.org.idcard import make_id_number
from dangjian.org.models import Education, Gender, PoliticalStatus

# Common surnames, the most common listed more than once so they come up more often.
_SURNAMES = (
    "王王王王李李李李张张张张刘刘刘陈陈陈杨杨黄黄赵赵吴吴周周徐孙马朱胡郭何高林罗郑梁谢宋唐"
    "许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹"
    "孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
_MALE = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳"
    "建国志文海东亮晨博成峰轩泽睿宏正德庆春荣毅昊振兴"
)
_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪琳慧莹倩颖洁晶萍红梅兰月琴蓉悦欣怡佳璐露丹薇涵妍彤秀英桂"
_EDUCATION = (
    (Education.POSTGRADUATE, 12),
    (Education.BACHELOR, 62),
    (Education.COLLEGE, 18),
    (Education.SECONDARY, 5),
    (Education.HIGH_SCHOOL, 3),
)
_SECONDARY_MAJORS = ("财会", "计算机应用", "文秘", "农学")


class PersonMaker:
    """Makes the fields for person_create; ID numbers are unique across one build."""

    def __init__(self, rng: random.Random, current_year: int) -> None:
        self.rng = rng
        self.current_year = current_year
        self._ids: set[str] = set()
        self._names: set[tuple[int, str]] = set()

    def fork(self, rng: random.Random) -> PersonMaker:
        """A maker for a later step: its own generator, the same used names and numbers."""
        other = PersonMaker(rng, self.current_year)
        other._ids, other._names = self._ids, self._names
        return other

    def name(self, gender: str, unit_key: int) -> str:
        """A name not already used in the same unit (people there tell each other apart)."""
        pool = _MALE if gender == Gender.MALE else _FEMALE
        while True:
            given = self.rng.choice(pool)
            if self.rng.random() < 0.7:
                given += self.rng.choice(pool)
            name = self.rng.choice(_SURNAMES) + given
            if (unit_key, name) not in self._names:
                self._names.add((unit_key, name))
                return name

    def birth(self, age_min: int, age_max: int) -> dt.date:
        year = BASE.year - self.rng.randint(age_min, age_max)
        return dt.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def id_number(self, birth: dt.date, gender: str) -> str:
        # GB 11643: the sequence code's last digit is odd for men, even for women.
        while True:
            serial = self.rng.randint(0, 499) * 2 + (1 if gender == Gender.MALE else 0)
            number = make_id_number(self.rng.choice(REGIONS), birth, serial)
            if number not in self._ids:
                self._ids.add(number)
                return number

    def education(self, majors: tuple[str, ...], birth: dt.date) -> tuple[str, str]:
        levels = [e for e, _ in _EDUCATION]
        level = self.rng.choices(levels, weights=[w for _, w in _EDUCATION])[0]
        if birth.year >= 1985 and level in {Education.SECONDARY, Education.HIGH_SCHOOL}:
            level = Education.BACHELOR  # the young joined through the civil service exam
        if level == Education.HIGH_SCHOOL:
            return level, ""
        if level == Education.SECONDARY:
            return level, self.rng.choice(_SECONDARY_MAJORS)
        pool = majors if majors and self.rng.random() < 0.6 else GENERAL_MAJORS
        return level, self.rng.choice(pool)

    def join_date(self, birth: dt.date, latest_year: int) -> dt.date:
        first = birth.year + 19
        year = self.rng.randint(first, max(first, latest_year))
        return dt.date(year, self.rng.choice((1, 3, 5, 6, 7, 7, 7, 10, 12)), 1)

    def probation_date(self) -> dt.date:
        """Admitted as a probationary member in the second half of last year."""
        return dt.date(self.current_year - 1, self.rng.randint(7, 12), self.rng.randint(1, 28))

    def fields(
        self,
        *,
        unit: Any,
        branch: Any,
        majors: tuple[str, ...],
        age: tuple[int, int],
        job_title: str,
        rank: str,
        status: str = PoliticalStatus.MEMBER,
        gender: str | None = None,
    ) -> dict[str, Any]:
        """All the person fields; `status` says whether they are a member at all."""
        if gender is None:
            gender = Gender.MALE if self.rng.random() < 0.6 else Gender.FEMALE
        birth = self.birth(*age)
        education, major = self.education(majors, birth)
        if status == PoliticalStatus.MEMBER:
            joined: dt.date | None = self.join_date(birth, min(BASE.year - 1, birth.year + 40))
        elif status == PoliticalStatus.PROBATIONARY:
            joined = self.probation_date()
        else:
            joined = None
        is_member = joined is not None
        age_now = BASE.year - birth.year
        return {
            "name": self.name(gender, unit.pk),
            "gender": gender,
            "birth_date": birth,
            "id_number": self.id_number(birth, gender),
            "education": education,
            "major": major,
            "job_title": job_title,
            "rank": rank,
            "political_status": status,
            "party_join_date": joined,
            "unit": unit,
            "branch": branch if is_member else None,
            "is_reserve_cadre": 28 <= age_now <= 45 and self.rng.random() < 0.12,
        }

    def staff(self, *, unit: Any, branch: Any, majors: tuple[str, ...],
              titles: tuple[str, ...] = ()) -> dict[str, Any]:
        """An ordinary member of staff: mostly members, some probationary, some not."""
        roll = self.rng.random()
        status = (
            PoliticalStatus.MASSES if roll < 0.11
            else PoliticalStatus.PROBATIONARY if roll < 0.15
            else PoliticalStatus.MEMBER
        )
        age = (23, 32) if status == PoliticalStatus.PROBATIONARY else (24, 58)
        fields = self.fields(unit=unit, branch=branch, majors=majors, age=age, status=status,
                             job_title="科员", rank="一级科员")
        years = BASE.year - fields["birth_date"].year
        if years >= 30:  # the young are 科员; titles and ranks come with the years
            fields["job_title"] = self.rng.choice(titles or STAFF_TITLES)
            fields["rank"] = self.rng.choice(STAFF_RANKS[: 4 if years >= 40 else 6])
        elif self.rng.random() < 0.5:
            fields["rank"] = "二级科员"
        return fields
