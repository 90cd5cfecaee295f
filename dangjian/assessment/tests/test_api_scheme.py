"""R1.1 through the API: build the year's indicator system, edit it while a draft, replay last
year's scores on it, publish it; refusals change nothing."""

from __future__ import annotations

import pytest

from dangjian.assessment.models import PURPOSE, Scheme
from dangjian.assessment.testing import published_scheme
from dangjian.assessment.tests.apiclient import call, fields, traced
from dangjian.cycles.services import year_ensure
from dangjian.scoring.models import GradeThreshold, Indicator, IndicatorSet, SetStatus
from dangjian.scoring.selectors import leaves

pytestmark = [pytest.mark.req("X.3", "R1.1"), pytest.mark.today("2026-06-01")]


def _draft(client):
    year_ensure(year=2026, make_current=True)
    r = call(client, "post", "assessment_scheme", {})
    assert r.status_code == 201, r.content.decode()
    return r.json()


def test_build_edit_and_publish(county, client):
    client.force_login(county.user("wc_admin"))
    scheme = _draft(client)
    assert scheme["published"] is False and scheme["can_edit"] is True
    assert [s["kind"] for s in scheme["sets"]] == ["leading_group", "secretary", "member"]
    assert fields(call(client, "post", "assessment_scheme", {})) == {
        "__all__": "2026年度的考核指标体系已建立"}
    secretary = scheme["sets"][1]
    before = traced()
    r = call(client, "post", "assessment_indicator_add", {
        "code": "5", "title": "带头抓党风廉政建设", "max_points": 10,
        "evidence_methods": ["个别谈话"]}, pk=secretary["id"])
    assert r.status_code == 201, r.content.decode()
    new = Indicator.objects.get(pk=r.json()["id"])
    assert new.evidence_methods == ["个别谈话"] and r.json()["is_leaf"] and traced() > before
    bad = call(client, "post", "assessment_indicator_add", {
        "code": "6", "title": "x", "max_points": 1, "evidence_methods": ["伪造方式"]},
        pk=secretary["id"])
    assert "evidence_methods.0" in fields(bad)
    r = call(client, "post", "assessment_indicator_add", {
        "code": "6", "title": "x", "max_points": 1,
        "parent": scheme["sets"][0]["indicators"][0]["id"]}, pk=secretary["id"])
    assert r.status_code == 404 and r.json()["detail"].startswith("所选上级指标")
    r = call(client, "put", "assessment_indicator", {
        "code": "5", "title": "带头落实党风廉政建设责任", "max_points": 8}, pk=new.pk)
    assert r.status_code == 200 and r.json()["title"] == "带头落实党风廉政建设责任"
    new.refresh_from_db()
    assert new.max_points == 8 and new.evidence_methods == []
    thresholds = call(client, "put", "assessment_thresholds_save",
                      {"good": 80, "fairly_good": 90, "average": 60}, pk=secretary["id"])
    assert "依次降低" in "".join(fields(thresholds).values())
    r = call(client, "put", "assessment_thresholds_save",
             {"good": 92, "fairly_good": 82, "average": 62}, pk=secretary["id"])
    assert r.status_code == 200
    assert [t["line"] for t in r.json()["sets"][1]["thresholds"]] == ["92.00", "82.00", "62.00"]
    assert fields(call(client, "put", "assessment_scheme_weight", {"county_weight": 0},
                       pk=scheme["id"])) == {"county_weight": "权重应在0至100之间"}
    r = call(client, "put", "assessment_scheme_weight", {"county_weight": "12.5"},
             pk=scheme["id"])
    assert r.status_code == 200 and r.json()["county_weight"] == "12.50"
    removed = call(client, "post", "assessment_indicator_add",
                   {"code": "7", "title": "临时", "max_points": 1}, pk=secretary["id"]).json()
    assert call(client, "delete", "assessment_indicator", pk=removed["id"]).status_code == 204
    assert not Indicator.objects.filter(pk=removed["id"]).exists()
    r = call(client, "post", "assessment_scheme_publish", pk=scheme["id"])
    assert r.status_code == 200 and r.json()["published"] is True
    assert set(IndicatorSet.objects.filter(purpose__startswith=PURPOSE).values_list(
        "status", flat=True)) == {SetStatus.PUBLISHED}
    # Published: nothing changes any more, and the API says why.
    r = call(client, "put", "assessment_indicator", {"code": "5", "title": "改",
                                                     "max_points": 1}, pk=new.pk)
    assert "已发布，不能再修改" in "".join(fields(r).values())
    new.refresh_from_db()
    assert new.title == "带头落实党风廉政建设责任"
    assert "已发布" in "".join(fields(call(client, "post", "assessment_scheme_publish",
                                        pk=scheme["id"])).values())
    read = call(client, "get", "assessment_scheme").json()
    assert read["published"] and any(i["code"] == "5" for i in read["sets"][1]["indicators"])


def test_readers_read_and_only_the_system_builders_write(county, client):
    scheme = published_scheme(county)
    indicator = leaves(scheme.set_leading_group)[0]
    client.force_login(county.user("county"))
    r = call(client, "get", "assessment_scheme")
    assert r.status_code == 200 and r.json()["can_edit"] is False
    before, title = traced(), indicator.title
    for method, name, data, kwargs in [
        ("put", "assessment_indicator", {"code": "1", "title": "改", "max_points": 1},
         {"pk": indicator.pk}),
        ("delete", "assessment_indicator", None, {"pk": indicator.pk}),
        ("put", "assessment_scheme_weight", {"county_weight": 20}, {"pk": scheme.pk}),
        ("post", "assessment_scheme_publish", None, {"pk": scheme.pk}),
        ("get", "assessment_scheme_replay", None, {"pk": scheme.pk}),
        ("put", "assessment_thresholds_save", {"good": 1, "fairly_good": 1, "average": 1},
         {"pk": scheme.set_member_id}),
    ]:
        r = call(client, method, name, data, **kwargs)
        assert r.status_code == 403, (name, r.content)
    assert call(client, "post", "assessment_scheme", {}).status_code == 403
    indicator.refresh_from_db()
    scheme.refresh_from_db()
    assert traced() == before and indicator.title == title and scheme.county_weight == 10
    # Those with no part in 党建考核 do not learn the records exist.
    client.force_login(county.user("member"))
    assert call(client, "get", "assessment_scheme").status_code == 403
    assert call(client, "delete", "assessment_indicator", pk=indicator.pk).status_code == 404
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_bad_ids_and_values_are_4xx(county, client):
    scheme = published_scheme(county)
    client.force_login(county.user("wc_admin"))
    other_set = IndicatorSet.objects.create(purpose="civilization.test", year=scheme.year,
                                            title="别的指标", owner_body=county.root)
    for pk in (999999, 2**31 - 1, 2**63):
        assert call(client, "post", "assessment_scheme_publish", pk=pk).status_code == 404
        assert call(client, "delete", "assessment_indicator", pk=pk).status_code == 404
    r = call(client, "post", "assessment_indicator_add", {"code": "1", "title": "x",
                                                        "max_points": 1}, pk=other_set.pk)
    assert r.status_code == 404 and r.json()["detail"] == "记录不存在或不在您的权限范围内"
    assert call(client, "get", "assessment_scheme", {"year_id": 2**40}).status_code == 422
    assert call(client, "get", "assessment_scheme", {"year_id": 999999}).status_code == 404
    for value in ("一百", "1e400", 10**30, "NaN", None):
        junk = call(client, "put", "assessment_scheme_weight", {"county_weight": value},
                    pk=scheme.pk)
        assert "county_weight" in fields(junk), value
    scheme.refresh_from_db()
    assert scheme.county_weight == 10
    extra = call(client, "post", "assessment_indicator_add",
                 {"code": "1", "title": "x", "max_points": "1e30", "colour": "红"},
                 pk=scheme.set_member_id)
    assert set(fields(extra)) == {"max_points", "colour"}
    assert not GradeThreshold.objects.filter(set=other_set).exists()


def test_replay_last_years_scores_on_the_draft(county, client):
    from dangjian.assessment.testing import assessed_year

    year = assessed_year(county)
    client.force_login(county.user("wc_admin"))
    nxt = year_ensure(year=2027)
    r = call(client, "post", "assessment_scheme", {"year_id": nxt.pk})
    assert r.status_code == 201 and r.json()["year"] == 2027
    draft = Scheme.objects.get(year=nxt)
    replay = call(client, "get", "assessment_scheme_replay", pk=draft.pk)
    assert replay.status_code == 200
    body = replay.json()
    assert body["previous_scheme_id"] == year["assess_scheme"].pk
    names = {row["name"] for t in body["tables"] for row in t["rows"]}
    assert year["assessment_own"].unit.name in names
