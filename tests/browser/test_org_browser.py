"""A 工委 administrator maintains the registry in a real browser (R0.1, R0.2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from dangjian.org.idcard import make_id_number, mask_id_number
from dangjian.org.models import Person
from dangjian.testing import PASSWORD, build_county
from dangjian.trail.models import TrailEntry

NEW_NAME = "浏览器新增党员"
NEW_ID = make_id_number("410100", dt.date(1988, 5, 20), 901)


def _settled(page: Any) -> None:
    """htmx wires swapped-in content once it settles (20 ms); a test acts faster than a person,
    so it waits until nothing carries htmx's "just added" class."""
    from playwright.sync_api import expect

    expect(page.locator(".htmx-added")).to_have_count(0)


@pytest.mark.browser
@pytest.mark.req("R0.1", "R0.2")
def test_admin_adds_a_person_to_a_branch_in_the_browser(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    county = build_county()
    dept = county.depts[0]
    branch = dept.branches[0]
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(15_000)

    # Log in through the form.
    page.goto(f"{live_server.url}/org/")
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("#id_username", "t_wc_admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("组织架构")
    # The stylesheet is served (the red top bar), so screenshots show the real layout.
    assert page.eval_on_selector(".topbar", "e => getComputedStyle(e).backgroundColor") \
        == "rgb(183, 28, 28)"

    # Open the tree down to the branch.
    tree = page.locator(".org-tree")
    tree.get_by_role("link", name=dept.unit.name, exact=True).click()
    tree.get_by_role("link", name=dept.committee.name, exact=True).click()
    page.screenshot(path=str(artifacts / "org-tree.png"), full_page=True)
    page.fill("#children input[name=q]", "第2")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#children tbody tr")).to_have_count(1)
    expect(page.locator("#children tbody")).to_contain_text(dept.branches[1].name)
    tree.get_by_role("link", name=branch.name, exact=True).click()
    expect(page.locator("#children h2")).to_have_text(branch.name)
    page.locator("#children h2 a").click()
    expect(page.locator("h1")).to_contain_text(branch.name)
    expect(page.locator(".evidence-panel")).to_be_visible()
    page.screenshot(path=str(artifacts / "org-branch-detail.png"), full_page=True)

    # Add a person to the branch through the form: the branch and its unit are preselected.
    page.get_by_role("link", name="新增人员").click()
    expect(page.locator("h1")).to_have_text("新增人员")
    expect(page.locator("#id_branch")).to_have_value(str(branch.pk))
    expect(page.locator("#id_unit")).to_have_value(str(dept.unit.pk))
    page.fill("#id_name", NEW_NAME)
    page.select_option("#id_gender", "M")
    page.fill("#id_id_number", "410100198805209010")  # wrong check digit first
    page.fill("#id_party_join_date", "2012-07-01")
    page.fill("#id_job_title", "科员")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".form-row .errorlist")).to_contain_text("身份证号校验位不正确")
    expect(page.locator("#id_name")).to_have_value(NEW_NAME)  # input kept
    page.screenshot(path=str(artifacts / "org-person-form-error.png"), full_page=True)
    assert not Person.objects.filter(name=NEW_NAME).exists()
    page.fill("#id_id_number", NEW_ID)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text(f"已新增人员“{NEW_NAME}”")
    expect(page.locator("#id-number")).to_contain_text(mask_id_number(NEW_ID))
    page.get_by_role("link", name="显示").click()
    expect(page.locator("#id-number")).to_contain_text(NEW_ID)

    person = Person.objects.get(name=NEW_NAME)
    assert person.branch_id == branch.pk and person.unit_id == dept.unit.pk
    assert person.birth_date == dt.date(1988, 5, 20)
    assert TrailEntry.objects.filter(subject_type="org.person", subject_id=str(person.pk),
                                     action="create", actor=county.user("wc_admin")).exists()

    # The people list shows them, ID masked.
    page.goto(f"{live_server.url}/org/people/?body={branch.pk}")
    row = page.locator("table.list tbody tr", has_text=NEW_NAME)
    expect(row).to_contain_text(mask_id_number(NEW_ID))
    expect(row).not_to_contain_text(NEW_ID)
    page.screenshot(path=str(artifacts / "org-person-added.png"), full_page=True)

    # On a phone the menu collapses and the page's content does not scroll sideways (the
    # table scrolls inside its .table-wrap).
    phone = chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN",
                              is_mobile=True, has_touch=True, device_scale_factor=2)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{live_server.url}/org/people/?q={NEW_NAME}")
    expect(phone.locator("table.list")).to_contain_text(NEW_NAME)
    expect(phone.locator(".sidebar")).to_be_hidden()
    expect(phone.locator(".menu-toggle")).to_be_visible()
    assert phone.evaluate("document.querySelector('main.content').scrollWidth") <= 390
    phone.screenshot(path=str(artifacts / "org-people-phone.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.req("R0.3", "R2.1")
def test_choose_people_with_the_picker_on_a_phone(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path
) -> None:
    """任职 and 添加述职对象 find the person by typing part of a name and tapping the row."""
    from playwright.sync_api import expect

    from dangjian.duty_review.models import Assignment
    from dangjian.duty_review.testing import published_plan
    from dangjian.org.models import Post

    county = build_county()
    plan = published_plan()
    dept = county.depts[1]
    page = chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN",
                             is_mobile=True, has_touch=True, device_scale_factor=2)
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "t_wc_admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    # 任职: a search box instead of a select of everyone; Enter does not submit the form.
    page.goto(f"{live_server.url}/org/posts/new/?body={dept.committee.pk}")
    search = page.locator("#id_person")
    search.fill("县")
    results = page.locator("#picker-person-results .picker-option")
    expect(results.first).to_be_visible()
    search.press_sequentially("财1")
    search.press("Enter")
    expect(results).to_have_count(3)
    _settled(page)
    expect(page.locator("h1")).to_have_text("任职")
    person = dept.people[4]
    page.screenshot(path=str(artifacts / "org-person-picker-phone.png"), full_page=True)
    results.filter(has_text=person.name).tap()
    expect(page.locator("#picker-person .picker-chosen")).to_contain_text(person.name)
    page.select_option("#id_kind", "org_member")
    page.get_by_role("button", name="保存").tap()
    expect(page.locator(".messages")).to_contain_text(f"已任命{person.name}")
    assert Post.objects.filter(person=person, body=dept.committee, kind="org_member").exists()

    # 添加述职对象: the chosen person's bodies fill a select, their new post's body first.
    page.goto(f"{live_server.url}/duty-review/plans/{plan.pk}/")
    page.get_by_text("添加述职对象").tap()
    page.select_option("#id_add_tier", "party_org")
    options = page.locator("#picker-reporter-results .picker-option")
    page.locator("#id_reporter").fill(dept.people[0].name)
    expect(options).to_have_count(1)
    _settled(page)
    options.tap()
    expect(page.locator("#id_reporter_body")).to_be_visible()
    _settled(page)
    page.get_by_role("button", name="重新选择").tap()  # a wrong pick is undone in place
    expect(page.locator("input#id_reporter")).to_be_focused()
    _settled(page)
    page.locator("input#id_reporter").fill(person.name)
    expect(options).to_have_count(1)
    _settled(page)
    options.tap()
    expect(page.locator("#id_reporter_body")).to_have_value(str(dept.committee.pk))
    page.locator("#assignment-add").screenshot(
        path=str(artifacts / "duty-review-reporter-picked-phone.png"))
    assert page.evaluate("document.querySelector('main.content').scrollWidth") <= 390
    page.locator("#assignment-add").get_by_role("button", name="添加").tap()
    expect(page.locator(".messages")).to_contain_text(f"已添加述职对象{person.name}")
    added = Assignment.objects.get(plan=plan, tier="party_org", reporter=person)
    assert added.reporter_body_id == dept.committee.pk


@pytest.mark.browser
@pytest.mark.req("R0.1", "R0.2")
@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["desktop", "phone"])
def test_open_the_tree_a_level_at_a_time_and_pick_a_body_for_the_people_list(
    transactional_db: None, live_server: Any, chromium: Any, artifacts: Path,
    size: tuple[int, int],
) -> None:
    """The tree opens a node's children where it stands, without leaving the page; the people
    list's 所在组织 is found by typing part of its name and tapping it."""
    from playwright.sync_api import expect

    county = build_county()
    dept = county.depts[1]
    width, height = size
    phone = width < 600
    page = chromium.new_page(viewport={"width": width, "height": height}, locale="zh-CN",
                             is_mobile=phone, has_touch=phone)
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "t_wc_admin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/org/")
    tree = page.locator(".org-tree")
    expect(tree.get_by_role("link", name=dept.committee.name)).to_have_count(0)
    tree.get_by_role("button", name=f"展开“{dept.unit.name}”的3个下级").click()
    expect(tree.get_by_role("link", name=dept.committee.name, exact=True)).to_be_visible()
    _settled(page)
    tree.get_by_role("button", name=f"展开“{dept.committee.name}”的2个下级").click()
    expect(tree.get_by_role("link", name=dept.branches[1].name, exact=True)).to_be_visible()
    _settled(page)
    tag = "desktop" if not phone else "phone"
    page.screenshot(path=str(artifacts / f"org-tree-lazy-{tag}.png"), full_page=True)
    tree.get_by_role("button", name=f"收起“{dept.unit.name}”的3个下级").click()
    expect(tree.get_by_role("link", name=dept.committee.name, exact=True)).to_be_hidden()

    page.goto(f"{live_server.url}/org/people/")
    box = page.get_by_role("searchbox", name="所在组织")
    box.fill("第2党支部")
    choice = page.locator(".picker-options .picker-option",
                          has_text=dept.branches[1].name)
    expect(choice).to_contain_text(dept.unit.name)  # its parents, to tell namesakes apart
    _settled(page)
    page.screenshot(path=str(artifacts / f"org-people-picker-{tag}.png"), full_page=True)
    choice.click()
    expect(box).to_have_value(dept.branches[1].name)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("h1")).to_have_text(f"人员：{dept.branches[1].name}")
    expect(page.locator("table.list tbody")).to_contain_text(dept.people[3].name)
    expect(box).to_have_value(dept.branches[1].name)
    page.screenshot(path=str(artifacts / f"org-people-{tag}.png"), full_page=True)
