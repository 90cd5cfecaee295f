"""One year of 述职评议 through the API alone, up to the meeting: the 工委 issues the plan, a
member writes and submits their report, it passes the whole review chain, and their branch
holds its meeting with 点评 and 现场询问. (The ballots, the results and the rectification plan
that follow are driven through their own APIs on top of this.)"""

import pytest

from dangjian.org.models import Role
from dangjian.trail.models import TrailEntry

API = "/api/duty-review"
JSON = "application/json"


def _ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


@pytest.mark.req("X.3", "R2.3", "R2.2", "R2.4", "R2.5", "R2.6")
@pytest.mark.today("2026-11-02")
def test_plan_report_review_chain_and_meeting_through_the_api(county, client):
    def act(role):
        client.force_login(county.user(role))
        return client

    def post(url, data=None, status=200):
        return _ok(client.post(url, data or {}, content_type=JSON), status)

    traced = TrailEntry.objects.count()
    # 工委: the plan, its reporters from the posts, published.
    act(Role.WORK_COMMITTEE_ADMIN)
    assert _ok(client.get(f"{API}/plans/current"))["plan"] is None
    plan = post(f"{API}/plans", {"report_deadline": "2026-11-30"}, 201)
    _ok(client.patch(f"{API}/plans/{plan['id']}", {"meetings_from": "2026-12-10",
                                                     "meetings_to": "2026-12-25"},
                     content_type=JSON))
    assert post(f"{API}/plans/{plan['id']}/generate")["created"] > 0
    assert post(f"{API}/plans/{plan['id']}/publish")["status"] == "published"
    # The member: their report, written section by section, then submitted.
    member = county.user(Role.MEMBER)
    act(Role.MEMBER)
    mine = _ok(client.get(f"{API}/reports/mine"))["items"]
    assert len(mine) == 1 and mine[0]["status"] == "draft" and mine[0]["late"] is False
    url = f"{API}/reports/{mine[0]['id']}"
    sections = {s["key"]: "" for s in _ok(client.get(url))["sections"]}
    for key in sections:
        sections[key] = f"本年度{key}方面的履职情况" if key != "problems" else (
            "1. 理论学习不够深入\n2. 联系群众不够经常")
        post(f"{url}/save", {"sections": sections})
    report = post(f"{url}/submit")
    assert report["status"] == "prelim" and len(report["versions"]) == len(sections)
    # The review chain: the branch, the department's 党组, the 工委.
    for role, opinion, status in [
        (Role.ORG_SECRETARY, "支部委员会集体初审通过", "leading_group"),
        (Role.LEADING_GROUP_SECRETARY, "党组审定通过", "work_committee"),
        (Role.WORK_COMMITTEE_ADMIN, "同意。请在述职中突出问题整改", "approved"),
    ]:
        act(role)
        queue = _ok(client.get(f"{API}/reports/queue"))["items"]
        assert report["id"] in [r["id"] for r in queue], role
        report = post(f"{url}/approve", {"opinion": opinion})
        assert report["status"] == status, role
    assert [(s["action"], s["opinion"]) for s in report["steps"]][1:] == [
        ("approve", "支部委员会集体初审通过"), ("approve", "党组审定通过"),
        ("approve", "同意。请在述职中突出问题整改")]
    # The branch's meeting: its agenda and ballot box, remarks against the member.
    act(Role.ORG_SECRETARY)
    branch = county.depts[0].branches[0]
    meeting = post(f"{API}/plans/{plan['id']}/meetings", {
        "upper_body": branch.pk, "tier": "member", "held_on": "2026-12-15",
        "place": "党员活动室", "members": "支部委员会委员", "raters": "支部全体党员"}, 201)
    assert [a["reporter_id"] for a in meeting["agenda"]] == [member.person_id]
    assert meeting["agenda"][0]["report_status"] == "approved"
    assert meeting["box_id"] is not None and meeting["closed"] is False
    assignment = meeting["agenda"][0]["assignment_id"]
    for remark in [
        {"kind": "comment", "finding": "problem", "speaker": "支部书记",
         "text": "发挥先锋模范作用不够明显"},
        {"kind": "question", "finding": "question", "speaker": "支部委员",
         "text": "如何改进联系群众？", "answer": "每月走访联系户"},
    ]:
        post(f"{API}/meetings/{meeting['id']}/remarks", {"assignment": assignment, **remark},
             201)
    detail = _ok(client.get(f"{API}/meetings/{meeting['id']}"))
    assert [r["kind"] for r in detail["agenda"][0]["remarks"]] == ["comment", "question"]
    results = _ok(client.get(f"{API}/meetings/{meeting['id']}/results"))
    assert results["closed"] is False and results["rows"][0]["counts"] is None
    listed = _ok(client.get(f"{API}/meetings"))["items"]
    assert [m["id"] for m in listed] == [meeting["id"]]
    # The member sees the outcome of the review on their own list; every step was traced.
    act(Role.MEMBER)
    assert _ok(client.get(f"{API}/reports/mine"))["items"][0]["status"] == "approved"
    assert TrailEntry.objects.count() > traced + len(sections) + 6
