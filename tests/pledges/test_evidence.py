"""Evidence files: checked by content and size, served only within scope."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pledges.models import Evidence, Submission
from tests.pledges.conftest import submission_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _xlsx() -> bytes:
    """A real workbook, as Excel and LibreOffice write them."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _docx_with(*extra: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, content in extra:
            archive.writestr(name, content)
    return buffer.getvalue()


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


def _zip_not_office() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.exe", "MZ")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, submission, name, content):
    return client.post(
        reverse("pledges:evidence_upload", args=[submission.pk]),
        {"version": submission.version, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.pdf", PDF),
        ("anh.png", PNG),
        ("bieu-mau.docx", _docx()),
        ("so-lieu.xlsx", _xlsx()),
        ("ANH-CHUP.JPG", JPEG),
        ("QUYET-DINH.PDF", PDF),
    ],
)
def test_accepted_files_are_stored_with_checksum(
    reporting, client_for, media, name, content
):
    sub = submission_of(reporting, reporting.own_boards[2])
    client = client_for(reporting.users["board_officer"])
    page = _upload(client, sub, name, content)
    assert "Đã đính kèm tệp." in page.text
    evidence = Evidence.objects.get(submission=sub)
    assert (evidence.name, evidence.size) == (name, len(content))
    import hashlib

    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    download = client.get(reverse("pledges:evidence", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "chỉ nhận tệp PDF"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "không thực sự là tệp PDF"),
        ("fake.docx", _zip_not_office(), "không thực sự là tệp DOCX"),
        ("empty.pdf", b"", "rỗng"),
        # Renamed files: the bytes decide, whatever the name says.
        ("bao-cao.pdf", HTML, "không thực sự là tệp PDF"),
        ("bao-cao.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64, "không thực sự là tệp PDF"),
        ("bao-cao.pdf", PNG, "không thực sự là tệp PDF"),
        ("anh.png", PDF, "không thực sự là tệp PNG"),
        ("anh.jpg", PNG, "không thực sự là tệp JPG"),
        ("so-lieu.xlsx", _docx(), "không thực sự là tệp XLSX"),
        ("bieu-mau.docx", _xlsx(), "không thực sự là tệp DOCX"),
        ("bieu-mau.docx", OLE, "không thực sự là tệp DOCX"),
        ("cu.doc", PDF, "không thực sự là tệp DOC"),
        # Office files with macros are not evidence.
        (
            "bieu-mau.docx",
            _docx_with(("word/vbaProject.bin", b"\x00" * 16)),
            "không thực sự là tệp DOCX",
        ),
        ("trang.html", HTML, "chỉ nhận tệp PDF"),
    ],
)
def test_wrong_files_are_refused_with_a_reason(
    reporting, client_for, media, name, content, message
):
    sub = submission_of(reporting, reporting.own_boards[2])
    client = client_for(reporting.users["board_officer"])
    page = _upload(client, sub, name, content)
    assert message in page.text
    assert not Evidence.objects.exists()
    assert not any(media.rglob("*.*"))


def test_too_large_file_is_refused(reporting, client_for, media, settings):
    sub = submission_of(reporting, reporting.own_boards[2])
    client = client_for(reporting.users["board_officer"])
    big = PDF + b"0" * (10 * 1024 * 1024)
    page = _upload(client, sub, "lon.pdf", big)
    assert "giới hạn là 10,0\xa0MB" in page.text
    assert not Evidence.objects.exists()


def test_other_board_cannot_upload_or_download(reporting, client_for, media):
    own = submission_of(reporting, reporting.own_boards[2])
    neighbour = submission_of(reporting, reporting.own_boards[0])
    client = client_for(reporting.users["board_officer"])
    assert _upload(client, neighbour, "a.pdf", PDF).status_code == 404
    _upload(client, own, "a.pdf", PDF)
    evidence = Evidence.objects.get()
    from tests import factories

    stranger = factories.user(role="board_officer", board=reporting.own_boards[0])
    url = reverse("pledges:evidence", args=[evidence.pk])
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(reporting.users["other_secretariat"]).get(url).status_code == 404
    assert client_for(reporting.users["secretariat"]).get(url).status_code == 200
    assert client_for(reporting.users["ministry"]).get(url).status_code == 200


def test_zip_that_unpacks_to_too_much_is_refused(
    reporting, client_for, media, monkeypatch
):
    from blocs import uploads

    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 100_000)
    sub = submission_of(reporting, reporting.own_boards[2])
    client = client_for(reporting.users["board_officer"])
    bomb = _docx_with(("word/media/zeros.bin", b"\x00" * 200_000))
    assert len(bomb) < 10_000  # small on the wire, large once opened
    page = _upload(client, sub, "bieu-mau.docx", bomb)
    assert "không thực sự là tệp DOCX" in page.text
    assert not Evidence.objects.exists()
    assert not any(media.rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("bao-cao.pdf", PDF, "application/pdf"),
        ("cu.doc", OLE, "application/msword"),
        ("cu.xls", OLE, "application/vnd.ms-excel"),
    ],
)
def test_download_is_an_attachment_never_rendered(
    reporting, client_for, media, name, content, content_type
):
    sub = submission_of(reporting, reporting.own_boards[2])
    client = client_for(reporting.users["board_officer"])
    _upload(client, sub, name, content)
    evidence = Evidence.objects.get()
    response = client.get(reverse("pledges:evidence", args=[evidence.pk]))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "private" in response["Cache-Control"]


def test_file_picker_offers_only_accepted_types(reporting, client_for):
    sub = submission_of(reporting, reporting.own_boards[2])
    client = client_for(reporting.users["board_officer"])
    page = client.get(reverse("pledges:submission", args=[sub.pk])).text
    assert 'accept=".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.doc,.xls"' in page


def test_report_page_lists_files_in_upload_order(reporting, client_for, media):
    """Listed as uploaded, whatever the order of their ids (a restore or a
    merge of years may renumber rows)."""
    sub = submission_of(reporting, reporting.own_boards[2])
    client = client_for(reporting.users["board_officer"])
    for name in ("b-first.pdf", "a-second.pdf", "c-third.pdf"):
        sub.refresh_from_db()
        _upload(client, sub, name, PDF)
    first, _second, third = Evidence.objects.filter(submission=sub).order_by("pk")
    # The first upload is dated last: it is listed last.
    Evidence.objects.filter(pk=first.pk).update(
        uploaded_at=third.uploaded_at + dt.timedelta(minutes=1)
    )
    sub.refresh_from_db()
    Submission.objects.filter(pk=sub.pk).update(version=sub.version + 1)
    page = client.get(reverse("pledges:submission", args=[sub.pk])).text
    shown = [page.index(name) for name in ("a-second", "c-third", "b-first")]
    assert shown == sorted(shown)
