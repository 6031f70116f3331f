"""A superuser signs in with a password and a code from an authenticator app,
computed here as the app would (RFC 6238) from the key the page shows."""

import base64
import re

from django_otp.oath import totp
from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.test_journeys import live, log_in  # noqa: F401  the fixture too


def _code(secret: str, drift: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=drift):06d}"


def test_superuser_sets_up_two_factor_then_signs_in_with_a_code(page: Page, live):  # noqa: F811
    admin = factories.user(superuser=True, username="quantri")

    page.goto(f"{live}/accounts/login/?next=/admin/")
    log_in(page, admin.username)
    # No admin before a second factor: the setup page, with its QR code.
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next="))
    expect(page.get_by_test_id("two-factor-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("two-factor-secret").inner_text()
    page.locator("#id_code").fill(_code(secret))
    page.get_by_role("button", name="Bật").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="Tiếp tục").click()
    expect(page).to_have_url(f"{live}/admin/")
    expect(page.locator("#site-name")).to_be_visible()

    # Next sign-in: password, then the code page, then the admin.
    page.locator("#logout-form button").click()
    page.goto(f"{live}/accounts/login/?next=/admin/")
    log_in(page, admin.username)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/\?next="))
    page.locator("#id_code").fill("000000" if _code(secret, 1) != "000000" else "1")
    page.get_by_role("button", name="Xác thực").click()
    expect(page.locator("p.error")).to_contain_text("Mã không đúng")
    page.goto(f"{live}/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    # A wrong code makes the next check wait a second (throttling).
    page.wait_for_timeout(1100)
    page.locator("#id_code").fill(_code(secret, 1))
    page.get_by_role("button", name="Xác thực").click()
    expect(page).to_have_url(f"{live}/admin/")
