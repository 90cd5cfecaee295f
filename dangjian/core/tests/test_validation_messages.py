"""Refusals name the field in plain Chinese, never Django's stock wording."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.org.models import Person, Role
from dangjian.org.services import person_create
from dangjian.org.tests.test_views_people import new_person

_STOCK = ("确保", "具有", "已存在", "这个字段", "该字段", "Ensure", "This field")


@pytest.mark.req("R0.2")
def test_model_refusals_name_the_field(county: Any) -> None:
    person = county.depts[0].people[0]
    person.name = "张" * 45
    with pytest.raises(ValidationError) as exc:
        person.full_clean()
    assert exc.value.message_dict["name"] == ["姓名不能超过40个字（现为45个字）"]
    person.name, person.gender = "张三", ""
    with pytest.raises(ValidationError) as exc:
        person.full_clean()
    assert exc.value.message_dict["gender"] == ["请填写性别"]


@pytest.mark.req("R0.2")
def test_a_taken_id_number_says_who_has_it_not_how_django_puts_it(county: Any) -> None:
    taken = next(p for p in Person.objects.exclude(id_number=None))
    fields = {k: v for k, v in new_person(county).items()
              if k in ("name", "gender", "education", "major", "job_title", "rank",
                       "political_status", "phone")}
    dept = county.depts[0]
    with pytest.raises(ValidationError) as exc:
        person_create(actor=None, check_scope=False, unit=dept.unit, branch=dept.branches[0],
                      id_number=taken.id_number, **fields)
    assert exc.value.message_dict["id_number"] == ["已有相同身份证号的人员"]


@pytest.mark.req("R0.2")
def test_form_refusals_name_the_field(county: Any, login: Any) -> None:
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    response = client.post(reverse("org:person_create"), new_person(county, name="张" * 45))
    html = response.content.decode()
    assert "姓名不能超过40个字（现为45个字）" in html
    response = client.post(reverse("org:person_create"), new_person(county, name=""))
    html = response.content.decode()
    assert "请填写姓名" in html
    for word in _STOCK:
        assert word not in html, word
    assert not Person.objects.filter(name="张" * 45).exists()
