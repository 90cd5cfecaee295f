import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.cycles.models import Year
from dangjian.cycles.services import year_current, year_ensure
from dangjian.notify.models import Notification
from dangjian.notify.services import reminders_send, task_close, task_open
from dangjian.org.models import Role


@pytest.mark.req("R0.10")
def test_workbench_lists_tasks_with_urgency(county, login, settings):
    settings.REMINDER_DAYS = 7
    user = county.user(Role.ORG_SECRETARY)
    now = timezone.now()
    task_open(assignee=user, key="a", module="述职评议", title="提交述职报告",
              due_at=now - dt.timedelta(days=1))
    task_open(assignee=user, key="b", module="两个责任", title="报送责任清单",
              due_at=now + dt.timedelta(days=3))
    task_open(assignee=user, key="c", module="考核", title="年度自评", url="/org/",
              due_at=now + dt.timedelta(days=30))
    task_open(assignee=county.user(Role.MEMBER), key="d", module="x", title="别人的事项")
    html = login(user).get(reverse("core:workbench")).content.decode()
    assert "提交述职报告" in html and "报送责任清单" in html and "年度自评" in html
    assert "别人的事项" not in html
    assert html.count('class="task-overdue"') == 1
    assert html.count('class="task-soon"') == 1
    task_close(key="a", assignee=user)
    html = login(user).get(reverse("core:workbench")).content.decode()
    assert "提交述职报告" not in html


@pytest.mark.req("R0.10")
def test_reminders_sent_once_within_the_configured_days(county, settings):
    user = county.user(Role.ORG_SECRETARY)
    now = timezone.now()
    task_open(assignee=user, key="soon", module="m", title="五天后截止",
              due_at=now + dt.timedelta(days=5))
    task_open(assignee=user, key="later", module="m", title="二十天后截止",
              due_at=now + dt.timedelta(days=20))
    settings.REMINDER_DAYS = 3
    assert reminders_send() == 0
    settings.REMINDER_DAYS = 7
    assert reminders_send() == 1
    assert reminders_send() == 0  # idempotent
    note = Notification.objects.get(recipient=user)
    assert note.title == "即将到期：五天后截止"


@pytest.mark.req("R0.5")
def test_years_are_linked_and_switchable(county, login):
    this = year_ensure(year=2026, make_current=True)
    last = year_ensure(year=2025)
    this.refresh_from_db()
    assert this.previous == last and year_current() == this
    client = login(county.user(Role.MEMBER))
    html = client.get("/").content.decode()
    assert "2026年度（当前）" in html
    client.post(reverse("core:year_switch"), {"year": last.pk})
    html = client.get("/").content.decode()
    assert f'<option value="{last.pk}" selected>' in html
    # Only one current year, enforced by the database.
    year_ensure(year=2025, make_current=True)
    assert list(Year.objects.filter(is_current=True)) == [last]


@pytest.mark.req("X.4")
def test_pages_reference_no_outside_address(county, login):
    html = login(county.user(Role.WORK_COMMITTEE_ADMIN)).get("/").content.decode()
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    assert "/static/dangjian/vendor/htmx/htmx.min.js" in html


def test_healthz_reports_database(db, client):
    from django.db import connection

    data = client.get("/healthz").json()
    assert data == {"status": "ok", "database": connection.vendor}


def test_static_served_by_the_app(db, client):
    response = client.get("/static/dangjian/app.css")
    assert response.status_code == 200


def test_menu_marks_one_current_entry(county, login):
    html = login(county.user(Role.WORK_COMMITTEE_ADMIN)).get(reverse("org:person_list")).content
    page = html.decode()
    assert page.count('aria-current="page"') == 1
    assert 'href="/org/people/" class="active"' in page
