"""A full disk while a document is archived: no half-published version (no
row, no audit entry, no partial file), a clear message, and the next attempt
publishes version 1 as if nothing had happened."""

import errno

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils import translation

from blocs.models import AuditEvent, BlocYear
from reports import services
from reports.models import Publication
from tests import factories


class DiskFullStorage(FileSystemStorage):
    """The real file storage on a disk that fills up halfway through a file:
    the first half is on disk when the write fails, as it would be."""

    def _save(self, name, content):
        data = content.read()
        path = self.path(name)
        with open(path, "xb") as file:
            file.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device", path)


@pytest.fixture
def disk(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "publications").mkdir()

    def fill(*, full: bool):
        backend = DiskFullStorage if full else FileSystemStorage
        settings.STORAGES = settings.STORAGES | {
            "default": {
                "BACKEND": f"{backend.__module__}.{backend.__qualname__}",
            }
        }

    fill(full=True)
    return fill


def _files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_full_disk_leaves_no_half_published_version(world, disk, tmp_path):
    secretariat = world.users["secretariat"]
    with pytest.raises(OSError, match="No space left"):
        services.document_publish(
            bloc_year=world.own_year, kind="pledge", actor=secretariat
        )
    assert not Publication.objects.exists()
    assert not AuditEvent.objects.filter(action="document.publish").exists()
    assert _files(tmp_path) == []  # the half-written file is gone too

    disk(full=False)
    publication = services.document_publish(
        bloc_year=world.own_year, kind="pledge", actor=secretariat
    )
    assert publication.version == 1
    assert publication.file.open("rb").read().startswith(b"%PDF")
    assert _files(tmp_path) == [publication.file.name]


def test_the_publish_page_says_nothing_was_published(world, disk, client_for):
    factories.sections(world.own_year)
    factories.at_stage(world.own_year, BlocYear.Status.VOTING)
    client = client_for(world.users["secretariat"])
    response = client.post(
        reverse("reports:publish", args=[world.own_year.pk, "summary"]),
        {"confirmed": "yes"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "reports:year_documents", args=[world.own_year.pk]
    )
    with translation.override("vi"):
        expected = translation.gettext(
            "The archive could not store the document, so nothing was "
            "published. Try again later or tell the administrator."
        )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [expected]
    assert not Publication.objects.exists()
    assert not AuditEvent.objects.filter(action="document.publish").exists()
