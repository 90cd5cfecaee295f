from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.assessment.models import Scheme
from dangjian.assessment.services import (
    indicator_add,
    indicator_update,
    scheme_create,
    scheme_publish,
    thresholds_save,
)
from dangjian.assessment.testing import published_scheme
from dangjian.cycles.services import year_ensure
from dangjian.scoring.models import Indicator, SetStatus
from dangjian.scoring.selectors import leaves, tree

pytestmark = pytest.mark.req("R1.1")


def test_default_system_covers_the_three_subjects(county):
    scheme = scheme_create(actor=county.user("wc_admin"), year=year_ensure(year=2025))
    lg, sec, mem = scheme.set_leading_group, scheme.set_secretary, scheme.set_member
    assert [n.indicator.code for n in tree(lg) if n.depth == 0] == list("1234567")
    assert len(leaves(sec)) == 4 and len(leaves(mem)) == 5
    for s in (lg, sec, mem):
        assert sum(i.max_points for i in leaves(s)) == 100
        assert s.status == SetStatus.DRAFT
    first = Indicator.objects.get(set=lg, code="1.2")
    assert "听取汇报" in first.evidence_methods and first.guidance


def test_only_the_system_makers_may_build_it(county):
    with pytest.raises(PermissionDenied):
        scheme_create(actor=county.user("county"), year=year_ensure(year=2025))
    with pytest.raises(PermissionDenied):
        scheme_create(actor=county.user("lg_secretary"), year=year_ensure(year=2025))
    scheme = scheme_create(actor=county.user("org_dept"), year=year_ensure(year=2025))
    with pytest.raises(PermissionDenied):
        indicator_add(actor=county.user("lg_secretary"), indicator_set=scheme.set_member,
                      parent=None, fields={"code": "9", "title": "x", "max_points": 1})
    assert not Indicator.objects.filter(code="9").exists()


def test_publish_all_three_together_then_locked(county):
    admin = county.user("wc_admin")
    scheme = scheme_create(actor=admin, year=year_ensure(year=2025))
    extra = indicator_add(actor=admin, indicator_set=scheme.set_member, parent=None,
                          fields={"code": "6", "title": "新增指标", "max_points": ""})
    with pytest.raises(ValidationError) as exc:
        scheme_publish(actor=admin, scheme=scheme)
    assert "其他党组成员：以下指标未设分值：6" in exc.value.messages
    scheme.set_leading_group.refresh_from_db()
    assert scheme.set_leading_group.status == SetStatus.DRAFT  # none published
    indicator_update(actor=admin, indicator=extra,
                     fields={"code": "6", "title": "新增指标", "max_points": "10"})
    thresholds_save(actor=admin, indicator_set=scheme.set_member,
                    thresholds={"good": 99, "fairly_good": 88, "average": 66})
    scheme_publish(actor=admin, scheme=scheme)
    with pytest.raises(ValidationError, match="已发布，不能再修改"):
        indicator_update(actor=admin, indicator=extra,
                         fields={"code": "6", "title": "改名", "max_points": "5"})
    extra.refresh_from_db()
    assert extra.title == "新增指标" and extra.max_points == Decimal(10)


def test_new_year_starts_from_last_years_copy(county):
    admin = county.user("wc_admin")
    last = published_scheme(county, year=2025)
    indicator = leaves(last.set_secretary)[0]
    new = scheme_create(actor=admin, year=year_ensure(year=2026))
    assert new.set_secretary.copied_from == last.set_secretary
    copied = leaves(new.set_secretary)[0]
    assert copied.copied_from == indicator and copied.title == indicator.title
    assert new.set_secretary.status == SetStatus.DRAFT
    with pytest.raises(ValidationError, match="已建立"):
        scheme_create(actor=admin, year=year_ensure(year=2026))
    assert Scheme.objects.count() == 2
