"""A NUL character in a page's query string or form is a 400 with a Chinese message and changes
nothing (PostgreSQL cannot store or compare one: it used to be a 500 on the people list)."""

import pytest

from dangjian.org.models import Person, Role
from dangjian.trail.models import TrailEntry


@pytest.mark.req("X.3")
@pytest.mark.parametrize("url", ["/org/people/?q=%00", "/org/people/?political_status=a%00b",
                                 "/org/people/?%00=1"])
def test_a_nul_in_a_page_query_is_refused_not_a_server_error(county, login, url):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    response = client.get(url)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


@pytest.mark.req("X.3")
def test_a_nul_in_a_page_form_changes_nothing(county, login):
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    person = county.depts[0].people[0]
    before = (Person.objects.count(), TrailEntry.objects.count(), person.name)
    response = client.post(f"/org/people/{person.pk}/edit/", {"name": "张\x00三"})
    assert response.status_code == 400
    person.refresh_from_db()
    assert (Person.objects.count(), TrailEntry.objects.count(), person.name) == before
    assert client.get("/org/people/?q=%E5%BC%A0").status_code == 200
