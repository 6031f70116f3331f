"""A board officer who forgot the password resets it from the login page, with
the link from the mail that the SMTP server received."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.smtp import run_worker, smtp, text_of  # noqa: F401 (smtp: a fixture)


@pytest.fixture
def live(transactional_db, live_server, world, smtp, settings):  # noqa: F811
    settings.SITE_URL = live_server.url
    officer = world.users["board_officer"]
    officer.email = "can.bo@bql.example.vn"
    officer.save(update_fields=["email"])
    return live_server.url


def test_password_reset_end_to_end(page: Page, live, world, smtp):  # noqa: F811
    officer = world.users["board_officer"]
    page.goto(f"{live}/accounts/login/")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.locator("#id_email").fill("can.bo@bql.example.vn")
    page.get_by_role("button", name="Gửi liên kết").click()
    expect(page.locator("h1")).to_have_text("Hãy kiểm tra hộp thư")
    assert smtp.messages == []  # the page only enqueued

    run_worker()
    ((rcpt, message),) = smtp.messages
    assert rcpt == ["can.bo@bql.example.vn"]
    assert message["Subject"].strip() == "Đặt lại mật khẩu của bạn"
    link = re.search(r"http://\S+/accounts/reset/\S+/", text_of(message)).group(0)
    assert link.startswith(live)

    page.goto(link)
    expect(page.locator("h1")).to_have_text("Chọn mật khẩu mới")
    page.locator("#id_new_password1").fill("mot-mat-khau-moi-du-dai")
    page.locator("#id_new_password2").fill("mot-mat-khau-moi-du-dai")
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(page.locator("h1")).to_have_text("Đã đổi mật khẩu")

    page.goto(f"{live}/accounts/login/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill("mot-mat-khau-moi-du-dai")
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    expect(page).to_have_url(f"{live}/board/")

    # The link worked once.
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Liên kết này không còn hiệu lực")


def test_an_unknown_address_gets_the_same_page_and_no_mail(page: Page, live, smtp):  # noqa: F811
    page.goto(f"{live}/accounts/password_reset/")
    page.locator("#id_email").fill("khong.co@bql.example.vn")
    page.get_by_role("button", name="Gửi liên kết").click()
    expect(page.locator("h1")).to_have_text("Hãy kiểm tra hộp thư")
    run_worker()
    assert smtp.messages == []
