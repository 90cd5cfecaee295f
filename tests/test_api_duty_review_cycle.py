"""One whole yearly cycle of 述职评议 through the JSON API alone (X.3): the 工委 makes, fills and
publishes the work plan; a member writes and submits their report; it goes up the review chain
(sent back once, then approved at every stage); the branch holds its meeting with a 点评; the
chair issues codes, opens and closes the ballot box and reads the result; the meeting's
rectification plans are made, and the reporter's plan is carried out and verified.

Only the raters' sheets go through their page (/b/<token>/): that side is a page by design, and a
rater has no account to call an API with.
"""

from urllib.parse import urlsplit

import pytest

from dangjian.ballots.models import Ballot
from dangjian.duty_review.models import ReportStatus
from dangjian.org.models import Role
from dangjian.rectification.models import ItemStatus, Plan

API = "/api"
JSON = "application/json"
pytestmark = pytest.mark.today("2026-11-20")


def _post(client, url, data=None, status=200):
    response = client.post(f"{API}{url}", data or {}, content_type=JSON)
    assert response.status_code == status, (url, response.content.decode())
    return response.json()


def _get(client, url):
    response = client.get(f"{API}{url}")
    assert response.status_code == 200, (url, response.content.decode())
    return response.json()


@pytest.mark.req("X.3", "R2.2", "R2.3", "R2.4", "R2.5", "R2.6", "R2.7", "R2.8")
def test_a_whole_year_of_duty_review_through_the_api(county, login, client):
    dept = county.depts[0]
    branch = dept.branches[0]
    member = county.user(Role.MEMBER)

    # 工作方案 (R2.3): made, its reporters generated from the posts, published.
    admin = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    plan = _post(admin, "/duty-review/plans", {"report_deadline": "2026-11-30"}, status=201)
    generated = _post(admin, f"/duty-review/plans/{plan['id']}/generate")
    assert generated["created"] > 0
    assert _post(admin, f"/duty-review/plans/{plan['id']}/publish")["status"] == "published"

    # 述职报告 (R2.2): the member finds theirs, writes every section the tier asks, submits.
    reporter = login(member)
    [mine] = _get(reporter, "/duty-review/reports/mine")["items"]
    report = _get(reporter, f"/duty-review/reports/{mine['id']}")
    assert report["can_edit"] is True
    sections = {s["key"]: f"本年度{s['title']}方面的情况" for s in report["sections"]}
    sections["problems"] = "理论学习不够深入\n联系群众不够经常"
    saved = _post(reporter, f"/duty-review/reports/{mine['id']}/save",
                  {"sections": sections, "submit": True})
    assert saved["status"] == ReportStatus.PRELIM

    # 审核 (R2.4): the first stage sends it back with an opinion; resubmitted, every stage of
    # the chain approves it in turn, each finding it in their own queue.
    chain = [Role.ORG_SECRETARY, Role.LEADING_GROUP_SECRETARY, Role.WORK_COMMITTEE_ADMIN]
    first = login(county.user(chain[0]))
    returned = _post(first, f"/duty-review/reports/{mine['id']}/return",
                     {"opinion": "请补充联系群众的具体事例"})
    assert returned["status"] == ReportStatus.RETURNED
    reporter = login(member)
    sections["p1"] = sections.get("p1", "") + "（已补充走访群众事例）"
    assert _post(reporter, f"/duty-review/reports/{mine['id']}/save",
                 {"sections": sections, "submit": True})["status"] == ReportStatus.PRELIM
    for role, opinion in zip(chain, ("初审通过", "党组审定通过", "同意"), strict=True):
        reviewer = login(county.user(role))
        queue = _get(reviewer, "/duty-review/reports/queue")["items"]
        assert mine["id"] in [r["id"] for r in queue], role
        _post(reviewer, f"/duty-review/reports/{mine['id']}/approve", {"opinion": opinion})
    reporter = login(member)
    report = _get(reporter, f"/duty-review/reports/{mine['id']}")
    assert report["status"] == ReportStatus.APPROVED and report["can_edit"] is False
    assert [s["opinion"] for s in report["steps"] if s["opinion"]][-1] == "同意"

    # 评议会 (R2.5, R2.6): the branch meets; the chair records a 点评 on the member.
    chair = login(county.user(Role.ORG_SECRETARY))
    meeting = _post(chair, f"/duty-review/plans/{plan['id']}/meetings", {
        "upper_body": branch.pk, "tier": "member", "form": "meeting", "held_on": "2026-12-18",
        "place": "三楼会议室", "raters": "支部全体党员"}, status=201)
    agenda = {row["reporter_id"]: row for row in meeting["agenda"]}
    assert member.person.pk in agenda
    assignment = agenda[member.person.pk]["assignment_id"]
    _post(chair, f"/duty-review/meetings/{meeting['id']}/remarks", {
        "assignment": assignment, "kind": "comment", "speaker": "支部书记",
        "text": "组织生活会发言不够深入", "finding": "problem"}, status=201)
    # Nothing to rectify, and no result, before the ballots are closed.
    early = client.post(f"{API}/duty-review/meetings/{meeting['id']}/rectify", {},
                        content_type=JSON)
    assert early.status_code == 422

    # 测评 (R2.7): the chair issues codes, opens the box; the raters vote on their page; the
    # chair watches the count, closes the box and reads the result.
    box = meeting["box_id"]
    assert _get(chair, f"/ballots/{box}")["purpose"] == "duty_review"
    issued = _post(chair, f"/ballots/{box}/codes", {"count": 4})
    slips, page_path = issued["slips"], urlsplit(issued["vote_url"]).path
    assert _post(chair, f"/ballots/{box}/open")["status"] == "open"
    candidates = _get(chair, f"/ballots/{box}")["candidates"]
    chair.logout()
    for i, slip in enumerate(slips[:3]):
        sheet = {f"c_{c['id']}": ("good" if i < 2 else "fairly_good") for c in candidates}
        page = client.post(page_path, {"code": slip["code"], **sheet})
        assert page.status_code == 200, page.content.decode()
    chair = login(county.user(Role.ORG_SECRETARY))
    count = _get(chair, f"/ballots/{box}/count")
    assert (count["issued"], count["used"]) == (4, 3)
    assert _post(chair, f"/ballots/{box}/codes/void")["voided"] == 1
    assert _post(chair, f"/ballots/{box}/close")["status"] == "closed"
    result = _get(chair, f"/ballots/{box}/result")
    assert result["audit"]["consistent"] is True and result["audit"]["ballots"] == 3
    row = next(r for r in result["results"] if r["label"] == member.person.name)
    assert (row["total"], row["overall"]) == (3, "good")
    assert Ballot.objects.filter(box_id=box).count() == 3

    results = _get(chair, f"/duty-review/meetings/{meeting['id']}/results")
    assert results["closed"] is True and results["audit"]["consistent"] is True
    mine_row = next(r for r in results["rows"] if r["assignment_id"] == assignment)
    assert (mine_row["total"], mine_row["overall"]) == (3, "good")

    # 整改 (R2.8): one plan per reporter, from the 点评 and the report's own problems; the
    # reporter carries it out, the branch verifies and closes each item.
    rectified = _post(chair, f"/duty-review/meetings/{meeting['id']}/rectify",
                      {"deadline": "2026-12-31"})
    assert len(rectified["plans"]) == len(agenda)
    results = _get(chair, f"/duty-review/meetings/{meeting['id']}/results")
    rect_id = next(r for r in results["rows"]
                   if r["assignment_id"] == assignment)["rectification_plan_id"]
    assert rect_id is not None

    reporter = login(member)
    listed = _get(reporter, "/rectification?source=duty_review")["items"]
    assert [p["id"] for p in listed] == [rect_id]
    rect = _get(reporter, f"/rectification/{rect_id}")
    assert rect["owner_side"] is True and rect["owner_person_id"] == member.person.pk
    assert [(i["origin"], i["problem"]) for i in rect["items"]] == [
        ("述职评议会点评", "组织生活会发言不够深入"),
        ("述职报告所列问题", "理论学习不够深入"),
        ("述职报告所列问题", "联系群众不够经常"),
    ]
    for item in rect["items"]:
        _post(reporter, f"/rectification/items/{item['id']}/plan",
              {"measures": "制定学习和走访计划并逐月落实", "deadline": "2026-12-31"})
        _post(reporter, f"/rectification/items/{item['id']}/transition",
              {"action": "submit", "note": "已按计划完成"})
    verifier = login(county.user(Role.ORG_SECRETARY))
    assert _get(verifier, f"/rectification/{rect_id}")["verifier_side"] is True
    for item in rect["items"]:
        closed = _post(verifier, f"/rectification/items/{item['id']}/transition",
                       {"action": "accept", "note": "经核查整改到位"})
        assert closed["status"] == ItemStatus.CLOSED
    summary = _get(verifier, "/rectification?source=duty_review")["items"]
    done = next(p for p in summary if p["id"] == rect_id)
    assert (done["n_items"], done["n_closed"], done["n_overdue"]) == (3, 3, 0)
    assert Plan.objects.get(pk=rect_id).owner_person == member.person
