"""`dangjian ballots-scrub`: after it, the files of the codes table hold no used code's digest
(on PostgreSQL the deleted row versions are gone; on SQLite they were overwritten already)."""

import pytest
from django.core.management import call_command

from dangjian.ballots.services import ballot_submit, box_create, box_open, code_digest, codes_issue
from dangjian.ballots.testing import database_files
from dangjian.testing import build_county


@pytest.mark.req("R2.7")
@pytest.mark.django_db(transaction=True)
def test_scrub_leaves_no_used_digest_in_the_files(capsys):
    county = build_county()
    box = box_create(actor=None, title="残留清除", purpose="test", owner_body=county.root,
                     candidates=[("甲", "", "")], check_scope=False)
    codes = codes_issue(actor=None, box=box, count=40, check_scope=False)
    box_open(actor=None, box=box, check_scope=False)
    grades = {str(box.candidates.get().pk): "good"}
    for code in codes[:25]:
        ballot_submit(box_id=box.pk, code=code, grades=grades)
    call_command("ballots_scrub")
    assert "已清除" in capsys.readouterr().out
    on_disk = database_files("ballots_code")
    if on_disk is None:
        pytest.skip("the PostgreSQL server's files cannot be read from here")
    digests = [code_digest(box.pk, c).encode() for c in codes]
    assert [d for d in digests[:25] if d in on_disk] == []
    assert all(d in on_disk for d in digests[25:])  # the scan sees the codes still there
