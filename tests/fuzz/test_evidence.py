"""Random files under random names at the evidence upload: refused with a
message or stored, never a 500; only an accepted file leaves a row and a
file behind."""

import io
from pathlib import Path

from hypothesis import example, given

from blocs.models import AuditEvent
from pledges.models import Evidence, Submission
from tests.fuzz.strategies import FUZZ, uploads
from tests.fuzz.support import fresh, rolled_back, succeeded


def _named(name: str, content: bytes) -> io.BytesIO:
    """A file as a browser sends it: any name at all, even "" or "..", which
    SimpleUploadedFile would refuse before the request is made."""
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def _files(root) -> set[str]:
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_evidence_upload_answers_random_files_with_an_error_or_a_success(
    reporting, client_for, media
):
    officer = reporting.users["board_officer"]
    submission = Submission.objects.get(
        bloc_year=reporting.own_year, board=officer.board
    )
    client = client_for(officer)
    url = f"/submissions/{submission.pk}/evidence/"

    outcomes = set()

    @FUZZ
    @given(upload=uploads())
    @example(upload=("bao-cao.pdf", b"%PDF-1.4\n%%EOF"))
    @example(upload=("a" * 300 + ".pdf", b"%PDF-1.4\n"))
    @example(upload=("../../etc/passwd.pdf", b"%PDF-1.4\n"))
    @example(upload=("x\x00y.pdf", b"%PDF-1.4\n"))
    @example(upload=("trống.pdf", b""))
    def check(upload):
        name, content = upload
        with rolled_back():
            files = _files(media)
            rows = (Evidence.objects.count(), AuditEvent.objects.count())
            response = fresh(client).post(
                url,
                {
                    "version": Submission.objects.get(pk=submission.pk).version,
                    "file": _named(name, content),
                },
            )
            assert response.status_code == 302, response.status_code
            added = _files(media) - files
            outcomes.add(succeeded(response))
            if succeeded(response):
                evidence = Evidence.objects.get(pk=Evidence.objects.latest("pk").pk)
                assert evidence.size == len(content)
                (path,) = added  # one file, inside MEDIA_ROOT whatever its name
                assert Path(path).resolve().is_relative_to(Path(media).resolve())
                Path(path).unlink()  # the rows roll back; the file goes too
            else:
                assert (Evidence.objects.count(), AuditEvent.objects.count()) == rows
                assert not added

    check()
    assert outcomes == {True, False}  # both kinds of answer were seen
