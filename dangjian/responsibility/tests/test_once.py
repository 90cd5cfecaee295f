"""A form sent twice (Back then 提交, a double click) stores one record; a case's ladder."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.once import DUPLICATE_MESSAGE, new_token
from dangjian.responsibility.models import Case, CaseStep, DutyRecord


@pytest.mark.req("R3.3")
def test_the_same_record_form_sent_twice_stores_one_record(county, item, login):
    client = login(county.user("org_secretary"))
    url = reverse("responsibility:record_add", args=[item.pk])
    form = {"summary": "主题党日", "occurred_on": f"{timezone.localdate()}", "progress": "30",
            "form_once": new_token()}
    first = client.post(url, form)
    record = DutyRecord.objects.get()
    again = client.post(url, form, follow=True)
    assert DutyRecord.objects.count() == 1
    assert again.redirect_chain[-1][0] == reverse("responsibility:record_detail",
                                                  args=[record.pk]) == first.url
    assert DUPLICATE_MESSAGE in again.content.decode()
    # A new form (a new token) is a new record.
    client.post(url, {**form, "form_once": new_token()})
    assert DutyRecord.objects.count() == 2


@pytest.mark.req("R3.3")
def test_a_refused_form_keeps_its_token_for_the_corrected_submission(county, item, login):
    client = login(county.user("org_secretary"))
    url = reverse("responsibility:record_add", args=[item.pk])
    form = {"summary": "", "occurred_on": f"{timezone.localdate()}", "progress": "30",
            "form_once": new_token()}
    client.post(url, form)
    assert DutyRecord.objects.count() == 0
    client.post(url, {**form, "summary": "补记主题党日"})
    assert DutyRecord.objects.count() == 1


@pytest.mark.req("R3.5")
def test_a_case_starts_at_reminder_or_records_why_it_skips(county, year, login):
    body = county.depts[0].committee
    client = login(county.user("discipline"))
    url = reverse("responsibility:case_open", args=[body.pk])
    form = {"problem": "纪实不及时", "stage": "talk", "held_on": f"{timezone.localdate()}",
            "by_whom": "县纪委", "whom": "书记", "content": "约谈"}
    page = client.post(url, {**form, "form_once": new_token()}, follow=True).content.decode()
    assert "请填写越级处理的理由" in page
    assert Case.objects.count() == 0 and CaseStep.objects.count() == 0
    client.post(url, {**form, "form_once": new_token(), "skip_reason": "问题严重，直接约谈"})
    step = CaseStep.objects.get()
    assert step.stage == "talk" and step.skip_reason == "问题严重，直接约谈"
    detail = client.get(reverse("responsibility:case_detail", args=[step.case_id]))
    assert "问题严重，直接约谈" in detail.content.decode()
    # Going on one step needs no reason; going back is refused.
    esc = reverse("responsibility:case_escalate", args=[step.case_id])
    client.post(esc, {**form, "stage": "remind", "form_once": new_token()})
    assert CaseStep.objects.count() == 1
    client.post(esc, {**form, "stage": "notice", "form_once": new_token()})
    assert Case.objects.get().stage == "notice" and CaseStep.objects.count() == 2
