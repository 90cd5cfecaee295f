import hashlib
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.evidence.models import Attachment
from dangjian.evidence.services import evidence_attach, evidence_for
from dangjian.org.models import Role
from dangjian.trail.models import TrailEntry


def png_bytes(width=2, height=2):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.mark.req("R0.6")
def test_attach_stores_under_random_name_with_digest(county, settings):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    person = county.depts[0].people[0]
    data = png_bytes()
    att = evidence_attach(actor=admin, record=person, name="../../etc/照片.png", data=data)
    assert att.mime == "image/png"
    assert att.original_name == "照片.png"
    assert "照片" not in att.file.name and att.file.name.endswith(".png")
    assert att.sm3 == hashlib.new("sm3", data).hexdigest()
    assert att.file.path.startswith(str(settings.MEDIA_ROOT))
    assert list(evidence_for(person)) == [att]
    assert TrailEntry.objects.filter(action="attach", subject_id=str(person.pk)).exists()


@pytest.mark.req("R0.6")
def test_type_judged_by_content_not_name(county):
    admin = county.user(Role.WORK_COMMITTEE_ADMIN)
    person = county.depts[0].people[0]
    with pytest.raises(ValidationError) as exc:
        evidence_attach(actor=admin, record=person, name="scan.jpg", data=b"MZ\x90\x00 not a jpg")
    assert "不是允许的类型" in exc.value.messages[0]
    assert Attachment.objects.count() == 0


@pytest.mark.req("R0.6")
def test_size_limit(county, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        evidence_attach(actor=None, record=county.depts[0].people[0], name="a.png",
                        data=png_bytes(50, 50))
    assert "大小上限" in exc.value.messages[0]


@pytest.mark.req("R0.6", "R0.4")
def test_upload_and_download_within_scope_only(county, login, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    person = county.depts[0].people[0]
    sec = login(county.user(Role.ORG_SECRETARY))
    upload = SimpleUploadedFile("会议照片.png", png_bytes(), content_type="image/jpeg")
    response = sec.post(reverse("evidence:upload", args=["person", person.pk]),
                        {"file": upload, "next": "/"})
    assert response.status_code == 302
    att = Attachment.objects.get()
    download = sec.get(reverse("evidence:download", args=[att.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png_bytes()
    assert "attachment" in download["Content-Disposition"]

    other_dept = county.user(Role.LEADING_GROUP_SECRETARY)
    client.force_login(other_dept)
    assert client.get(reverse("evidence:download", args=[att.pk])).status_code == 200  # same dept

    # Another department's record: neither upload nor download.
    other_person = county.depts[1].people[0]
    response = sec.post(reverse("evidence:upload", args=["person", other_person.pk]),
                        {"file": SimpleUploadedFile("x.png", png_bytes())})
    assert response.status_code == 403
    foreign = evidence_attach(actor=None, record=other_person, name="x.png", data=png_bytes())
    assert sec.get(reverse("evidence:download", args=[foreign.pk])).status_code == 403
    assert Attachment.objects.count() == 2


@pytest.mark.req("R0.6")
def test_removal_is_soft_and_traced(county, login):
    person = county.depts[0].people[0]
    att = evidence_attach(actor=None, record=person, name="a.png", data=png_bytes())
    client = login(county.user(Role.WORK_COMMITTEE_ADMIN))
    client.post(reverse("evidence:remove", args=[att.pk]), {"next": "/"})
    att.refresh_from_db()
    assert att.removed_at is not None and att.file.storage.exists(att.file.name)
    assert client.get(reverse("evidence:download", args=[att.pk])).status_code == 404
    assert TrailEntry.objects.filter(action="detach").exists()
