import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

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


def pillow_bytes(fmt):
    """A real file of the given format (JPEG, PDF), as a scanner or a phone would produce."""
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def stored_files(settings):
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


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


@pytest.mark.req("R0.6")
def test_a_pdf_named_jpg_is_refused_and_nothing_is_stored(county, settings):
    person = county.depts[0].people[0]
    with pytest.raises(ValidationError) as exc:
        evidence_attach(actor=None, record=person, name="扫描/检查记录.jpg",
                        data=pillow_bytes("PDF"))
    assert exc.value.messages == ["“检查记录.jpg”的扩展名为.jpg，但文件内容是PDF，与名称不符"]
    assert Attachment.objects.count() == 0
    assert stored_files(settings) == []
    assert not TrailEntry.objects.filter(action="attach").exists()


@pytest.mark.req("R0.6")
@pytest.mark.parametrize("name", ["现场照片.jpg", "现场照片.JPEG", "微信图片.jfif"])
def test_a_jpeg_named_as_a_jpeg_is_accepted(county, settings, name):
    data = pillow_bytes("JPEG")
    att = evidence_attach(actor=None, record=county.depts[0].people[0], name=name, data=data)
    assert (att.mime, att.original_name) == ("image/jpeg", name)
    assert att.file.name.endswith(".jpg")
    assert [p.read_bytes() for p in stored_files(settings)] == [data]


@pytest.mark.req("R0.6")
@pytest.mark.parametrize("name", ["扫描件", "纪要2024.03", "方案v1.2"])
def test_a_name_that_claims_no_type_is_judged_by_content(county, name):
    """No extension, or a dot that names no file type: the content decides."""
    att = evidence_attach(actor=None, record=county.depts[0].people[0], name=name,
                          data=pillow_bytes("PDF"))
    assert (att.mime, att.original_name) == ("application/pdf", name)
    assert att.file.name.endswith(".pdf")


@pytest.mark.req("R0.6")
@pytest.mark.parametrize(("name", "data", "message"), [
    ("空.png", b"", "“空.png”是空文件，请重新选择"),
    ("", b"", "该文件是空文件，请重新选择"),
    ("大.png", png_bytes() + b"\0" * 1024 * 1024, "“大.png”超过大小上限（1MB）"),
    ("说明.png", b"just text, not an image", "“说明.png”的内容不是允许的类型"),
    ("照片.png", pillow_bytes("JPEG"), "“照片.png”的扩展名为.png，但文件内容是JPG，与名称不符"),
    ("通知.doc", pillow_bytes("PDF"), "“通知.doc”的扩展名为.doc，但文件内容是PDF，与名称不符"),
])
def test_each_refusal_names_the_file(county, settings, name, data, message):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        evidence_attach(actor=None, record=county.depts[0].people[0], name=name, data=data)
    assert exc.value.messages[0].startswith(message)
    assert Attachment.objects.count() == 0 and stored_files(settings) == []


@pytest.mark.req("R0.6")
def test_the_upload_page_refuses_a_misnamed_file_with_the_reason(county, login, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    person = county.depts[0].people[0]
    sec = login(county.user(Role.ORG_SECRETARY))
    upload = SimpleUploadedFile("会议照片.jpg", pillow_bytes("PDF"), content_type="image/jpeg")
    response = sec.post(reverse("evidence:upload", args=["person", person.pk]),
                        {"file": upload, "next": "/"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“会议照片.jpg”的扩展名为.jpg，但文件内容是PDF，与名称不符"]
    assert Attachment.objects.count() == 0 and stored_files(settings) == []
