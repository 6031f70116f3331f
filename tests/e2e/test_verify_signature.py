"""A reader checks a signed document on /verify/ in a real browser."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demodata.democa import DEMO_SIGNER
from reports import services


@pytest.fixture
def signed(transactional_db, live_server, world, signing_on, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    publication = services.document_publish(
        bloc_year=world.own_year, kind="pledge", actor=world.users["secretariat"]
    )
    return live_server.url, publication


def test_verify_page_shows_who_signed_and_when(page: Page, signed):
    live, publication = signed
    page.goto(f"{live}/verify/")
    page.locator("#id_code").fill(publication.code)
    page.get_by_role("button", name="Xác thực").click()
    expect(page.get_by_test_id("verified")).to_be_visible()
    expect(page.get_by_test_id("signer")).to_have_text(DEMO_SIGNER)
    signed_at = timezone.localtime(publication.signed_at).strftime("%d/%m/%Y %H:%M")
    expect(page.get_by_test_id("signed-at")).to_contain_text(signed_at)
    expect(page.get_by_test_id("signature-status")).to_contain_text(
        "Chữ ký còn nguyên vẹn"
    )
