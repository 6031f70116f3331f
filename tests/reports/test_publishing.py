"""Publishing: archived bytes, checksums, versions, verification, scope."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blocs.models import AuditEvent
from reports import services
from reports.models import Publication
from tests import factories


@pytest.fixture
def published(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = services.document_publish(
        bloc_year=world.own_year, kind="pledge", actor=world.users["secretariat"]
    )
    return world, first


def _download(client, publication):
    response = client.get(reverse("reports:download", args=[publication.pk]))
    return response.status_code, b"".join(getattr(response, "streaming_content", []))


def test_published_pdf_is_archived_byte_identical_with_its_checksum(
    published, client_for
):
    world, publication = published
    status, first = _download(client_for(world.users["secretariat"]), publication)
    assert status == 200
    assert first.startswith(b"%PDF")
    _status, again = _download(client_for(world.users["ministry"]), publication)
    assert again == first
    assert hashlib.sha256(first).hexdigest() == publication.sha256
    assert publication.size == len(first)
    assert AuditEvent.objects.filter(action="document.publish").count() == 1


def test_publishing_again_makes_version_2_and_keeps_version_1(published):
    world, first = published
    original = first.file.open("rb").read()
    second = services.document_publish(
        bloc_year=world.own_year, kind="pledge", actor=world.users["secretariat"]
    )
    assert (first.version, second.version) == (1, 2)
    assert first.code != second.code
    first.refresh_from_db()
    assert first.file.open("rb").read() == original
    assert hashlib.sha256(original).hexdigest() == first.sha256
    assert (
        Publication.objects.filter(bloc_year=world.own_year, kind="pledge").count() == 2
    )


def test_verification_accepts_the_file_and_its_code(published, client):
    _world, publication = published
    content = publication.file.open("rb").read()
    page = client.get(reverse("reports:verify"), {"code": publication.code.lower()})
    assert 'data-testid="verified"' in page.text
    assert "phiên bản 1" in page.text
    page = client.post(
        reverse("reports:verify"), {"file": SimpleUploadedFile("gu.pdf", content)}
    )
    assert 'data-testid="verified"' in page.text
    assert publication.sha256 in page.text


def test_verification_rejects_a_changed_byte_and_an_unknown_code(published, client):
    _world, publication = published
    content = bytearray(publication.file.open("rb").read())
    content[len(content) // 2] ^= 0x01
    page = client.post(
        reverse("reports:verify"),
        {"file": SimpleUploadedFile("gu.pdf", bytes(content))},
    )
    assert 'data-testid="not-verified"' in page.text
    page = client.get(reverse("reports:verify"), {"code": "ZZZZZZZZZZ"})
    assert 'data-testid="not-verified"' in page.text


def test_board_officer_downloads_only_its_blocs_documents(published, client_for):
    world, own = published
    other = services.document_publish(
        bloc_year=world.other_year,
        kind="pledge",
        actor=world.users["other_secretariat"],
    )
    officer = client_for(world.users["board_officer"])
    assert _download(officer, own)[0] == 200
    assert _download(officer, other)[0] == 404
    ministry = client_for(world.users["ministry"])
    assert _download(ministry, own)[0] == 200
    assert _download(ministry, other)[0] == 200
    assert _download(client_for(world.users["other_secretariat"]), own)[0] == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("secretariat", 200),
        ("superuser", 200),
        ("other_secretariat", 404),
        ("board_officer", 403),
        ("ministry", 403),
    ],
)
def test_drafts_are_for_the_secretariat_only(published, client_for, role, status):
    world, _publication = published
    client = client_for(world.users[role])
    response = client.get(reverse("reports:draft", args=[world.own_year.pk, "pledge"]))
    assert response.status_code == status
    if status == 200:
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["board_officer", "ministry", "other_secretariat"])
def test_only_the_secretariat_publishes(published, client_for, role):
    world, _publication = published
    client = client_for(world.users[role])
    response = client.post(
        reverse("reports:publish", args=[world.own_year.pk, "summary"])
    )
    assert response.status_code in (403, 404)
    assert not Publication.objects.filter(kind="summary").exists()


def test_year_documents_page_lists_versions(published, client_for):
    world, publication = published
    officer = factories.user(role="board_officer", board=world.own_boards[0])
    page = client_for(officer).get(
        reverse("reports:year_documents", args=[world.own_year.pk])
    )
    assert page.status_code == 200
    assert publication.code in page.text
    assert (
        reverse("reports:publish", args=[world.own_year.pk, "pledge"]) not in page.text
    )
