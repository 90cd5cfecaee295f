"""履责纪实: append-only records on a per-organisation SM3 chain, with their evidence."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from dangjian.evidence.models import Attachment
from dangjian.notify.models import Task
from dangjian.responsibility import selectors
from dangjian.responsibility.models import DutyRecord, ListStatus, chain_for
from dangjian.responsibility.services import list_start, record_add
from dangjian.responsibility.services.records import item_progress
from dangjian.testing import TINY_PNG
from dangjian.trail.models import TrailEntry
from dangjian.trail.services import trail_verify

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _add(county, item, **kw):
    kw.setdefault("summary", "召开党委会专题学习")
    kw.setdefault("occurred_on", timezone.localdate())
    kw.setdefault("progress", 40)
    return record_add(actor=kw.pop("actor", county.user("org_secretary")), item=item, **kw)


@pytest.mark.req("R3.3")
def test_a_record_goes_on_the_chain_with_its_evidence_digests(county, item):
    record = _add(county, item, files=[("会议照片.png", TINY_PNG)])
    assert record.chain_seq == 1 and record.recorder_name
    entry = TrailEntry.objects.get(chain=chain_for(record.body_id), seq=1)
    content = entry.after["记录"]
    assert content["履责情况"] == "召开党委会专题学习" and content["完成进度"] == 40
    assert content["佐证"][0]["SM3"] == hashlib.new("sm3", TINY_PNG).hexdigest()
    assert content["佐证"][0]["文件"] == "会议照片.png"
    assert entry.scope_path == county.depts[0].committee.path
    assert trail_verify(chain=chain_for(record.body_id)).ok


@pytest.mark.req("R3.3")
@pytest.mark.today("2026-06-15")  # far enough into the year for an entry 8 days late
def test_late_entries_are_flagged(county, item):
    today = timezone.localdate()
    on_time = _add(county, item, occurred_on=today)
    assert not on_time.is_late
    late = _add(county, item, occurred_on=today - dt.timedelta(days=8))
    assert late.is_late


@pytest.mark.req("R3.3")
def test_a_correction_is_a_new_record_and_the_old_one_stays(county, item):
    first = _add(county, item, progress=100)
    assert item_progress(item) == 100
    fix = _add(county, item, summary="更正：实际为部分完成", progress=60, corrects=first)
    first.refresh_from_db()
    assert first.summary == "召开党委会专题学习"  # untouched
    assert fix.corrects == first and fix.chain_seq == 2
    assert item_progress(item) == 60  # derived from records no one corrects
    with pytest.raises(ValidationError, match="已被更正"):
        _add(county, item, corrects=first)
    assert TrailEntry.objects.get(chain=chain_for(fix.body_id), seq=2).action == "correct"


@pytest.mark.req("R3.3")
def test_progress_and_completion_rate_come_from_the_records(county, rlist):
    items = list(rlist.items.order_by("order"))
    _add(county, items[0], progress=100)
    _add(county, items[1], progress=50)
    row = selectors.lists_with_rates(type(rlist).objects.filter(pk=rlist.pk)).get()
    assert (selectors.annotated(row, "n_items"), selectors.annotated(row, "n_done")) == (5, 1)
    progress = dict(rlist.items.values_list("pk", "progress"))
    assert progress[items[0].pk] == 100 and progress[items[1].pk] == 50
    assert progress[items[2].pk] == 0


@pytest.mark.req("R3.3")
def test_overdue_items_turn_yellow_then_red_on_the_workbench(
        county, year, django_capture_on_commit_callbacks):
    # Handing in the list puts each item on its responsible person's workbench, due by its
    # deadline; the workbench colours a task by task_urgency (soon = yellow, overdue = red).
    from dangjian.notify.services import task_urgency
    from dangjian.responsibility.models import LedgerItem
    from dangjian.responsibility.services import list_transition

    dept, sec = county.depts[0], county.user("lg_secretary")
    rl = list_start(actor=sec, year=year, body=dept.committee)
    LedgerItem.objects.filter(rlist=rl).update(responsible=dept.people[1])
    with django_capture_on_commit_callbacks(execute=True):
        list_transition(actor=sec, rlist=rl, to=ListStatus.SUBMITTED)
    user = county.user("org_secretary")
    tasks = Task.objects.filter(assignee=user, key__startswith="responsibility:item:",
                                done_at__isnull=True)
    assert tasks.count() == 5
    task = tasks.first()
    deadline = task.due_at
    assert task_urgency(task, deadline - dt.timedelta(days=30)) == "normal"
    assert task_urgency(task, deadline - dt.timedelta(days=2)) == "soon"
    assert task_urgency(task, deadline + dt.timedelta(hours=1)) == "overdue"
    today = timezone.localdate()
    assert selectors.item_state(today + dt.timedelta(days=2), 0, today) == "soon"
    assert selectors.item_state(today - dt.timedelta(days=1), 50, today) == "overdue"
    assert selectors.item_state(today - dt.timedelta(days=1), 100, today) == "done"
    # Completing an item takes it off the workbench.
    item = rl.items.get(pk=int(task.key.rsplit(":", 1)[1]))
    with django_capture_on_commit_callbacks(execute=True):
        _add(county, item, progress=100)
    task.refresh_from_db()
    assert task.done_at is not None
    assert tasks.count() == 4


@pytest.mark.req("R3.3")
def test_bad_input_gets_a_message_and_changes_nothing(county, item):
    before = (DutyRecord.objects.count(), TrailEntry.objects.count(), Attachment.objects.count())
    cases = [
        ({"summary": "  "}, "不能提交空记录"),
        ({"occurred_on": timezone.localdate() + dt.timedelta(days=1)}, "不能晚于今天"),
        ({"occurred_on": None}, "请填写履责日期"),
        ({"progress": "120"}, "0到100"),
        ({"files": [("照片.jpg", PDF)]}, "与名称不符"),
        ({"files": [("照片.png", b"just text, not an image")]}, "不是允许的类型"),
        ({"files": [("照片.png", TINY_PNG), ("空.png", b"")]}, "空文件"),
        ({"files": [("大.png", TINY_PNG + b"\0" * (20 * 1024 * 1024))]}, "大小上限"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            _add(county, item, **kwargs)
    assert (DutyRecord.objects.count(), TrailEntry.objects.count(),
            Attachment.objects.count()) == before


@pytest.mark.req("R3.3")
def test_records_only_by_the_organisation_or_the_responsible_person(county, year, item):
    # 县纪委 reads everything but cannot write an organisation's records.
    for role in ("discipline", "wc_admin", "disc_member", "member"):
        with pytest.raises(PermissionDenied):
            _add(county, item, actor=county.user(role))
    # Another department's item is outside the secretary's scope.
    other = list_start(actor=None, year=year, body=county.depts[1].committee, check_scope=False)
    with pytest.raises(PermissionDenied):
        _add(county, other.items.first(), actor=county.user("lg_secretary"))
    assert not DutyRecord.objects.exists()
    _add(county, item, actor=county.user("lg_secretary"))  # the 党组书记 covers the department
    _add(county, item)  # the responsible person


@pytest.mark.req("R3.3")
def test_a_draft_list_takes_no_records(county, year):
    rl = list_start(actor=county.user("disc_member"), year=year, body=county.depts[0].discipline)
    assert rl.status == ListStatus.DRAFT
    with pytest.raises(ValidationError, match="报送后才能记录"):
        _add(county, rl.items.first(), actor=county.user("disc_member"))


@pytest.mark.req("R3.3")
def test_the_database_refuses_to_update_a_record(county, item):
    record = _add(county, item)
    with pytest.raises(DatabaseError), transaction.atomic():
        DutyRecord.objects.filter(pk=record.pk).update(summary="改写")


@pytest.mark.req("R3.3")
def test_the_database_refuses_to_delete_a_record_on_postgresql(county, item):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps only the UPDATE guard (see the migration)")
    record = _add(county, item)
    with pytest.raises(DatabaseError), transaction.atomic():
        DutyRecord.objects.filter(pk=record.pk).delete()
