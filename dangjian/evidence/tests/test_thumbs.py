"""Image evidence as thumbnails with a preview, behind the same scope gate as the download; the
person who recorded a 纪实 reads its photos (R0.6)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from dangjian.cycles.services import year_ensure
from dangjian.evidence.models import Attachment
from dangjian.evidence.thumbs import thumbnail_name
from dangjian.responsibility.models import LedgerItem, ListStatus
from dangjian.responsibility.services import list_start, list_transition, record_add


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (180, 40, 40)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.req("R0.6")
def test_the_branch_secretary_sees_his_own_photo_as_a_thumbnail_and_a_preview(county, client):
    dept = county.depts[0]
    year = year_ensure(year=timezone.localdate().year, make_current=True)
    rlist = list_start(actor=None, year=year, body=dept.committee, check_scope=False)
    LedgerItem.objects.filter(rlist=rlist).update(responsible=dept.people[1])
    list_transition(actor=None, rlist=rlist, to=ListStatus.SUBMITTED, check_scope=False)
    item = rlist.items.order_by("order")[0]
    secretary = county.user("org_secretary")  # his grant is on his branch, not the committee
    record = record_add(actor=secretary, item=item, summary="组织主题党日活动",
                        occurred_on=timezone.localdate(), progress=30,
                        files=[("活动照片.jpg", _photo())])
    photo = Attachment.objects.get(object_id=record.pk)
    client.force_login(secretary)
    page = client.get(reverse("responsibility:record_detail", kwargs={"pk": record.pk}))
    html = page.content.decode()
    assert reverse("evidence:thumb", kwargs={"pk": photo.pk}) in html
    assert f'id="ev-{photo.pk}"' in html  # the preview
    assert client.get(reverse("evidence:download", kwargs={"pk": photo.pk})).status_code == 200
    thumb = client.get(reverse("evidence:thumb", kwargs={"pk": photo.pk}))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    small = Image.open(io.BytesIO(thumb.content))
    assert max(small.size) == 320 and small.size == (320, 240)
    assert photo.file.storage.exists(thumbnail_name(photo))  # made once, then read back
    again = client.get(reverse("evidence:thumb", kwargs={"pk": photo.pk}))
    assert again.content == thumb.content
    shown = client.get(reverse("evidence:view", kwargs={"pk": photo.pk}))
    assert shown.status_code == 200 and "attachment" not in shown.get("Content-Disposition", "")
    # The ledger item's page shows it as a thumbnail too.
    html = client.get(reverse("responsibility:item_detail", kwargs={"pk": item.pk})).content
    assert reverse("evidence:thumb", kwargs={"pk": photo.pk}).encode() in html
    # Someone who may not read the record gets neither the file nor its thumbnail.
    client.force_login(county.user("member"))
    for name in ("evidence:download", "evidence:thumb", "evidence:view"):
        assert client.get(reverse(name, kwargs={"pk": photo.pk})).status_code == 403, name


@pytest.mark.req("R0.6")
def test_an_image_that_cannot_be_decoded_gets_a_placeholder_and_a_document_none(county, client):
    from dangjian.evidence.services import evidence_attach

    broken = evidence_attach(actor=None, record=county.depts[0].people[0], name="坏图.png",
                             data=bytes.fromhex("89504e470d0a1a0a") + b"\0" * 64)
    pdf = evidence_attach(actor=None, record=county.depts[0].people[0], name="通知.pdf",
                          data=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    client.force_login(county.user("wc_admin"))
    thumb = client.get(reverse("evidence:thumb", kwargs={"pk": broken.pk}))
    assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.content)).size == (160, 120)
    assert client.get(reverse("evidence:thumb", kwargs={"pk": pdf.pk})).status_code == 404
    shown = client.get(reverse("evidence:view", kwargs={"pk": pdf.pk}))
    assert "attachment" in shown["Content-Disposition"]  # not an image: downloaded
