"""The 「API 令牌」 page: a user creates tokens (the secret shown once), revokes their own only,
and sees the recent uses; creating and revoking are traced."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.accounts.models import ApiToken, ApiTokenUse
from dangjian.accounts.services import token_create
from dangjian.org.models import Role
from dangjian.trail.models import TrailEntry

URL = "/accounts/tokens/"


def _secret_in(html):
    start = html.index('id="token-secret">') + len('id="token-secret">')
    return html[start:html.index("</code>", start)]


@pytest.mark.req("X.3", "R0.7")
def test_a_user_creates_a_token_and_sees_the_secret_once(county, login):
    user = county.user(Role.ORG_SECRETARY)
    client = login(user)
    assert reverse("accounts:token_list") == URL
    page = client.get(URL).content.decode()
    assert "您还没有令牌" in page and "API 令牌" in page
    response = client.post(URL, {"name": "人事系统同步", "expires_on": "2099-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    secret = _secret_in(html)
    assert secret.startswith("djt_") and len(secret) > 40
    assert "只显示这一次" in html
    assert "no-store" in response["Cache-Control"]
    assert f"Authorization: Bearer {secret}" in html  # the curl example
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.expires_on) == ("人事系统同步", dt.date(2099, 12, 31))
    assert secret not in token.digest
    entry = TrailEntry.objects.get(action="create", subject_type="accounts.apitoken")
    assert entry.actor_id == user.pk and entry.subject_id == str(token.pk)
    assert secret not in str(entry.after)
    # Shown once: the page never shows it again, and the token works.
    again = client.get(URL).content.decode()
    assert secret not in again and "人事系统同步" in again and token.prefix in again
    assert Client().get("/api/me", headers={"Authorization": f"Bearer {secret}"}).json()[
        "username"] == user.username


@pytest.mark.req("X.3")
@pytest.mark.today("2026-06-01")
def test_bad_input_is_refused_with_a_message_and_creates_nothing(county, login):
    client = login(county.user(Role.MEMBER))
    for data, message in [({"name": ""}, "请填写令牌名称"),
                          ({"name": "   "}, "请填写令牌名称"),
                          ({"name": "脚本", "expires_on": "2026-05-31"}, "有效期不能早于今天"),
                          ({"name": "脚本", "expires_on": "明天"}, "日期格式应为"),
                          ({"name": "长" * 61}, "60")]:
        html = client.post(URL, data).content.decode()
        assert message in html, data
        assert 'id="token-secret"' not in html
    assert not ApiToken.objects.exists()
    assert not TrailEntry.objects.filter(subject_type="accounts.apitoken").exists()


@pytest.mark.req("X.3", "R0.7")
def test_a_user_revokes_their_own_token(county, login):
    user = county.user(Role.ORG_SECRETARY)
    token, secret = token_create(actor=user, name="旧脚本")
    client = login(user)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "已撤销令牌“旧脚本”" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.filter(pk=token.pk).exists()  # never deleted
    assert TrailEntry.objects.filter(action="revoke", subject_type="accounts.apitoken",
                                     subject_id=str(token.pk), actor=user).exists()
    assert "已于" in client.get(URL).content.decode()
    refused = Client().get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    # Twice: a message, no second entry.
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "该令牌已撤销" in response.content.decode()
    assert TrailEntry.objects.filter(action="revoke", subject_type="accounts.apitoken").count() == 1
    # Only by POST.
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405


@pytest.mark.req("X.3", "R0.4")
def test_another_users_token_is_not_found_and_unchanged(county, login):
    owner = county.user(Role.MEMBER)
    token, secret = token_create(actor=owner, name="成员的令牌")
    before = TrailEntry.objects.count()
    for role in (Role.WORK_COMMITTEE_ADMIN, Role.ORG_SECRETARY):  # even the account manager
        client = login(county.user(role))
        response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
        assert response.status_code == 404
        assert "成员的令牌" not in client.get(URL).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert TrailEntry.objects.count() == before
    assert Client().get("/api/me", headers={"Authorization": f"Bearer {secret}"}
                        ).status_code == 200


@pytest.mark.req("X.3")
def test_the_page_shows_the_recent_uses_of_ones_own_tokens_only(county, login):
    user = county.user(Role.ORG_SECRETARY)
    _, secret = token_create(actor=user, name="报表脚本")
    machine = Client()
    machine.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    machine.get(f"/api/people/{county.depts[1].people[0].pk}",
                headers={"Authorization": f"Bearer {secret}"})
    _, other_secret = token_create(actor=county.user(Role.MEMBER), name="别人的脚本")
    machine.get("/api/workbench", headers={"Authorization": f"Bearer {other_secret}"})
    html = login(user).get(URL).content.decode()
    assert "GET /api/me" in html and "200 成功" in html and "404 拒绝" in html
    assert "127.0.0.1" in html
    assert "/api/workbench" not in html and "别人的脚本" not in html
    assert ApiTokenUse.objects.count() == 3


@pytest.mark.req("X.3")
def test_the_menu_links_the_token_page(county, login):
    html = login(county.user(Role.MEMBER)).get("/").content.decode()
    assert f'href="{URL}"' in html
