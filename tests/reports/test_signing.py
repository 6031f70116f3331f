"""PAdES signatures: signed at publication with the demo CA, checked by
poppler's pdfsig and pyHanko; copies signed outside the portal accepted only
when their signature covers the archived bytes and chains to a trust root."""

import datetime as dt
import hashlib
import io
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from blocs.models import AuditEvent, BlocYear
from demodata.democa import DEMO_SIGNER, issue
from reports import services, signing
from reports.models import Publication
from tests import factories
from tests.demo import demo_loaded
from tests.signing import make_demo_ca, sign_outside


def pdfsig(content: bytes, tmp_path) -> str:
    path = tmp_path / "checked.pdf"
    path.write_bytes(content)
    # -nocert: poppler's own trust store does not hold the demo CA; the
    # chain is pyHanko's check below, the bytes are pdfsig's.
    done = subprocess.run(
        ["/usr/bin/pdfsig", "-nocert", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout + done.stderr


def changed_byte(content: bytes) -> bytes:
    """One byte changed inside the signed range, in the producer's name, so
    the file still parses."""
    at = content.index(b"WeasyPrint") + 1
    data = bytearray(content)
    data[at] ^= 0x20
    return bytes(data)


def archived(publication: Publication) -> bytes:
    with publication.file.open("rb") as f:
        return f.read()


# The demo, published with the demo CA ---------------------------------------------


@pytest.fixture(scope="module")
def signed_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    ca = make_demo_ca(tmp_path_factory.mktemp("ca"))
    with override_settings(**ca.settings()):
        yield from demo_loaded(django_db_blocker, tmp_path_factory)


@pytest.fixture
def demo_publication(signed_demo, db):
    return Publication.objects.filter(
        bloc_year__year=2023, kind=Publication.Kind.SUMMARY
    ).first()


def test_demo_pdf_passes_pdfsig_and_pyhanko(demo_publication, tmp_path):
    content = archived(demo_publication)
    assert hashlib.sha256(content).hexdigest() == demo_publication.sha256
    report = pdfsig(content, tmp_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    assert f"Signer Certificate Common Name: {DEMO_SIGNER}" in report
    [signature] = signing.signatures_of(content)
    assert (signature.intact, signature.valid, signature.trusted) == (True,) * 3
    assert signature.covers_whole_file
    assert signature.signer == DEMO_SIGNER == demo_publication.signer
    assert demo_publication.signed_at is not None


def test_one_changed_byte_fails_pdfsig_and_pyhanko(demo_publication, tmp_path):
    content = changed_byte(archived(demo_publication))
    report = pdfsig(content, tmp_path)
    assert "Signature is Valid" not in report
    assert "Digest Mismatch" in report
    [signature] = signing.signatures_of(content)
    assert not signature.intact


def test_signature_is_visible_on_the_last_page(demo_publication, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(archived(demo_publication))
    pages = subprocess.run(
        ["/usr/bin/pdfinfo", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    last = next(
        line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")
    )
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-f", last, "-l", last, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Ký số bởi" in text
    assert DEMO_SIGNER in text


def test_verify_page_shows_the_signer_of_a_code(demo_publication, client):
    page = client.get(reverse("reports:verify"), {"code": demo_publication.code})
    assert 'data-testid="verified"' in page.text
    assert DEMO_SIGNER in page.text
    assert "Chữ ký còn nguyên vẹn" in page.text


# Publishing without a signer ------------------------------------------------------


def test_publishing_without_a_signer_archives_an_unsigned_pdf(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.SIGNING_PKCS12_FILE = ""
    publication = services.document_publish(
        bloc_year=world.own_year, kind="pledge", actor=world.users["secretariat"]
    )
    assert publication.signer == ""
    assert publication.signed_at is None
    assert signing.signatures_of(archived(publication)) == []


# Copies signed outside the portal -------------------------------------------------


@pytest.fixture
def published(world, signing_on, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = services.document_publish(
        bloc_year=world.own_year, kind="pledge", actor=world.users["secretariat"]
    )
    return world, first, signing_on


def _upload(client, publication, content, name="signed.pdf"):
    return client.post(
        reverse("admin:reports_publication_signed_copy", args=[publication.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_copy_signed_by_an_official_is_archived_and_verified(
    published, client_for, tmp_path
):
    world, first, ca = published
    official = issue("Nguyễn Văn An - Trưởng ban", issuer=ca.ca)
    original = archived(first)
    copy = sign_outside(original, official, chain=[ca.ca])
    client = client_for(world.users["secretariat"])
    response = _upload(client, first, copy)
    assert response.status_code == 302, response.context["form"].errors
    signed = Publication.objects.get(original=first)
    assert (signed.version, signed.kind) == (2, first.kind)
    assert signed.signer == "Nguyễn Văn An - Trưởng ban"
    assert archived(signed) == copy
    assert signed.sha256 == hashlib.sha256(copy).hexdigest()
    # The original version stays, byte for byte.
    first.refresh_from_db()
    assert archived(first) == original
    event = AuditEvent.objects.get(action="document.signed_copy")
    assert event.changes["original"] == first.pk
    # Both signatures hold for pdfsig and pyHanko; /verify/ names the official.
    assert pdfsig(copy, tmp_path).count("Signature is Valid") == 2
    page = client_for(None).post(
        reverse("reports:verify"), {"file": SimpleUploadedFile("x.pdf", copy)}
    )
    assert 'data-testid="verified"' in page.text
    assert "Nguyễn Văn An - Trưởng ban" in page.text
    assert DEMO_SIGNER in page.text


def _refused(published, content, client_for):
    world, first, _ca = published
    before = (Publication.objects.count(), archived(first))
    response = _upload(client_for(world.users["secretariat"]), first, content)
    assert response.status_code == 200
    assert (Publication.objects.count(), archived(first)) == before
    assert not AuditEvent.objects.filter(action="document.signed_copy").exists()
    return response.context["form"].errors["file"][0]


def test_copy_signed_over_other_content_is_refused(published, client_for):
    world, _first, ca = published
    official = issue("Official", issuer=ca.ca)
    factories.sections(world.own_year)
    year = factories.at_stage(world.own_year, BlocYear.Status.VOTING)
    other = services.document_publish(
        bloc_year=year, kind="summary", actor=world.users["secretariat"]
    )
    copy = sign_outside(archived(other), official, chain=[ca.ca])
    assert "chữ ký được tạo trên một nội dung khác" in _refused(
        published, copy, client_for
    )


def test_copy_changed_before_signing_is_refused(published, client_for):
    _world, first, ca = published
    writer = IncrementalPdfFileWriter(io.BytesIO(archived(first)), strict=False)
    writer.add_stream_to_page(
        0, writer.add_object(_stream(b"BT /F1 40 Tf 100 400 Td (FAKE) Tj ET"))
    )
    changed = io.BytesIO()
    writer.write(changed)
    copy = sign_outside(
        changed.getvalue(), issue("Official", issuer=ca.ca), chain=[ca.ca]
    )
    assert (
        "nội dung của tài liệu đã bị thay đổi"
        in _refused(published, copy, client_for).lower()
    )


def _stream(data: bytes):
    from pyhanko.pdf_utils.generic import StreamObject

    return StreamObject({pdf_name("/Length"): len(data)}, stream_data=data)


def test_self_signed_certificate_outside_the_roots_is_refused(published, client_for):
    _world, first, _ca = published
    stranger = issue("Self-signed official")
    copy = sign_outside(archived(first), stranger)
    assert "không dẫn tới một tổ chức chứng thực tin cậy" in _refused(
        published, copy, client_for
    )


def test_expired_certificate_is_refused(published, client_for):
    _world, first, ca = published
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=800)
    expired = issue("Expired official", issuer=ca.ca, not_before=long_ago, days=365)
    copy = sign_outside(archived(first), expired, chain=[ca.ca])
    assert "hết hạn" in _refused(published, copy, client_for)


def test_copy_changed_after_signing_is_refused(published, client_for):
    _world, first, ca = published
    copy = sign_outside(archived(first), issue("Official", issuer=ca.ca), [ca.ca])
    # A digit of the official's signing date, inside the bytes it signs.
    at = copy.index(b"/M (D\\072", len(archived(first))) + 12
    changed = bytearray(copy)
    changed[at] = ord("0") + (changed[at] - ord("0") + 1) % 10
    assert "nội dung đã bị thay đổi" in _refused(published, bytes(changed), client_for)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"PK\x03\x04 a spreadsheet", "Tệp này không phải là PDF."),
        (None, "không có thêm chữ ký nào"),
    ],
)
def test_non_pdf_and_unsigned_uploads_are_refused(
    published, client_for, content, reason
):
    _world, first, _ca = published
    assert reason in _refused(published, content or archived(first), client_for)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("board_officer", 302),
        ("other_secretariat", 404),
        ("ministry", 403),
        ("secretariat", 200),
    ],
)
def test_only_the_years_secretariat_uploads_signed_copies(
    published, client_for, role, status
):
    world, first, _ca = published
    client = client_for(world.users[role])
    url = reverse("admin:reports_publication_signed_copy", args=[first.pk])
    assert client.get(url).status_code == status


def test_signed_copy_service_refuses_another_blocs_secretariat(published):
    world, first, ca = published
    copy = sign_outside(archived(first), issue("Official", issuer=ca.ca), [ca.ca])
    with pytest.raises(PermissionDenied):
        services.publication_signed_copy_add(
            original=first, content=copy, actor=world.users["other_secretariat"]
        )
    with pytest.raises(ValidationError):
        services.publication_signed_copy_add(
            original=first, content=b"nope", actor=world.users["secretariat"]
        )


def test_make_demo_ca_writes_a_root_and_a_signer(tmp_path):
    out = io.StringIO()
    call_command("make_demo_ca", out=str(tmp_path), stdout=out)
    assert (tmp_path / "ca.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    assert (tmp_path / "signer.p12").stat().st_size > 1000
    first = (tmp_path / "ca.pem").read_bytes()
    call_command("make_demo_ca", out=str(tmp_path), stdout=io.StringIO())
    assert (tmp_path / "ca.pem").read_bytes() == first
