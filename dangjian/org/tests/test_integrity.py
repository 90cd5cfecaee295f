"""A person's dates and phone, current posts, and no duplicate post."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dangjian.org.models import Post, PostKind
from dangjian.org.services import person_update, post_assign


@pytest.mark.req("R0.2")
def test_a_future_birth_date_or_a_phone_of_letters_is_refused(county):
    person = county.depts[0].people[0]
    admin = county.user("wc_admin")
    for field, value, message in (("birth_date", dt.date(2099, 1, 1), "不能晚于今天"),
                                  ("phone", "abc", "联系电话格式不对")):
        with pytest.raises(ValidationError, match=message):
            person_update(actor=admin, person=person, id_number="", party_join_date=None,
                          **{field: value})
        person.refresh_from_db()
        assert getattr(person, field) != value


@pytest.mark.req("R0.3")
def test_the_same_post_twice_is_refused_and_a_later_post_is_not_current(county):
    dept = county.depts[0]
    person, admin = dept.people[3], county.user("wc_admin")
    today = timezone.localdate()
    post_assign(actor=admin, person=person, body=dept.committee,
                kind=PostKind.ORG_COMMITTEE_MEMBER, start=today)
    n = Post.objects.count()
    with pytest.raises(ValidationError, match="不能重复任职"):
        post_assign(actor=admin, person=person, body=dept.committee,
                    kind=PostKind.ORG_COMMITTEE_MEMBER, start=today + dt.timedelta(days=30))
    assert Post.objects.count() == n
    later = post_assign(actor=admin, person=dept.people[4], body=dept.committee,
                        kind=PostKind.ORG_COMMITTEE_MEMBER, start=today.replace(year=2030))
    assert later not in Post.objects.current()
