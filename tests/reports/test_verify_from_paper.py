"""A published document can be checked from paper: its QR code holds the full
address of the verification page (SITE_URL), which confirms that document."""

import subprocess
from urllib.parse import urlsplit

import pytest

from reports import services
from tests.reports.test_documents import pdf_text

PDFTOPPM = ["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", "-singlefile", "-"]


def _decode_qr(content: bytes, tmp_path) -> list[str]:
    """Render page 1 to PNG (pdftoppm) and decode its QR code (zbarimg)."""
    subprocess.run(
        [*PDFTOPPM, str(tmp_path / "page")],
        input=content,
        check=True,
    )
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
        capture_output=True,
        check=True,
    )
    return out.stdout.decode().split()


@pytest.mark.parametrize("site", ["http://127.0.0.1:8000", "https://tdkt.example.vn"])
def test_qr_code_decodes_to_an_absolute_address_that_verifies_the_pdf(
    world, settings, tmp_path, client, site
):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = site
    publication = services.document_publish(
        bloc_year=world.own_year, kind="pledge", actor=world.users["secretariat"]
    )
    content = publication.file.open("rb").read()
    decoded = _decode_qr(content, tmp_path)
    assert decoded == [f"{site}/verify/?code={publication.code}"]
    # The printed line carries the same address.
    assert f"Kiểm tra tại: {decoded[0]}" in pdf_text(content)
    address = urlsplit(decoded[0])
    page = client.get(f"{address.path}?{address.query}")
    assert page.status_code == 200
    assert 'data-testid="verified"' in page.text
    assert publication.sha256 in page.text
