import datetime as dt

import pytest
from django.urls import reverse

from dangjian.org.models import Role
from dangjian.org.services import person_update
from dangjian.trail.models import TrailEntry
from dangjian.trail.selectors import change_list


@pytest.mark.req("R0.7")
def test_person_change_records_before_and_after(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    person = county.depts[0].people[0]
    person_update(actor=admin, person=person, job_title="科长")
    entry = TrailEntry.objects.filter(subject_type="org.person", action="update").latest("seq")
    assert entry.actor == admin
    assert entry.before == {"行政职务": ""}
    assert entry.after == {"行政职务": "科长"}
    assert entry.scope_path == person.branch.path


@pytest.mark.req("R0.7", "R0.2")
def test_trace_masks_id_numbers(county):
    created = TrailEntry.objects.filter(subject_type="org.person", action="create").first()
    number = created.after["身份证号"]
    assert "*" in number and len(number) == 18


@pytest.mark.req("R0.7", "R0.4")
def test_trace_is_scoped(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    other = county.depts[1].people[0]
    person_update(actor=admin, person=other, phone="13800000000")
    branch_sec = county.user(Role.ORG_SECRETARY)
    visible = change_list(user=branch_sec)
    assert visible.exists()
    assert not visible.filter(subject_type="org.person", subject_id=str(other.pk)).exists()
    assert change_list(user=county.user(Role.DISCIPLINE_COMMISSION)).filter(
        subject_id=str(other.pk), subject_type="org.person").exists()


@pytest.mark.req("R0.7")
def test_change_page_and_verify_page(county, login):
    client = login(county.user(Role.DISCIPLINE_COMMISSION))
    page = client.get(reverse("trail:change_list"))
    assert page.status_code == 200 and "变更留痕" in page.content.decode()
    from dangjian.jobs.execution import execute
    from dangjian.jobs.models import Job

    submitted = client.post(reverse("trail:verify"), {"action": "verify"})
    job = Job.objects.get(kind="trail.verify")
    assert submitted.url == job.get_absolute_url()
    execute(job.pk)  # what the worker runs
    page = client.get(submitted.url).content.decode()
    assert "全部校验通过" in page and "完好" in page
    client.post(reverse("trail:verify"), {"action": "checkpoints"})
    cp_job = Job.objects.get(kind="trail.checkpoints")
    execute(cp_job.pk)
    assert "条链保存检查点" in client.get(cp_job.get_absolute_url()).content.decode()
    listing = client.get(reverse("trail:verify")).content.decode()
    assert "全部校验通过" in listing and "保存检查点" in listing
    member = login(county.user(Role.MEMBER))
    assert member.get(reverse("trail:change_list")).status_code == 403
    _ = dt  # dates appear in entries via DjangoJSONEncoder
