"""Journeys through the portal in a real browser, as its users make them."""

import re

import pytest
from playwright.sync_api import Page, expect

PASSWORD = "pw-for-tests-only"


@pytest.fixture
def live(transactional_db, live_server, world):
    """The live server's URL, with the test world in its database.

    ``transactional_db`` comes first so that ``world`` (which asks for ``db``)
    writes rows the server thread can see.
    """
    return live_server.url


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()


def test_board_officer_logs_in_and_sees_only_their_board(page: Page, live, world):
    officer = world.users["board_officer"]

    page.goto(f"{live}/board/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/board/$"))
    expect(page.locator("h1")).to_have_text("Đăng nhập")

    log_in(page, officer.username)
    expect(page).to_have_url(f"{live}/board/")
    expect(page.locator("h1")).to_have_text(officer.board.name)
    expect(page.locator("table.data")).to_contain_text(world.own.name)
    body = page.locator("main")
    for board in world.other_boards:
        expect(body).not_to_contain_text(board.name)
    expect(body).not_to_contain_text(world.other.name)


def test_board_officer_switches_language_and_back(page: Page, live, world):
    page.goto(f"{live}/accounts/login/")
    log_in(page, world.users["board_officer"].username)
    heading = page.locator("main h2")
    expect(heading).to_have_text("Các năm thi đua")

    page.locator("form.lang button[value=en]").click()
    expect(heading).to_have_text("Emulation years")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live}/board/")

    page.locator("form.lang button[value=vi]").click()
    expect(heading).to_have_text("Các năm thi đua")
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_ministry_viewer_lands_on_the_overview_of_every_bloc(page: Page, live, world):
    page.goto(f"{live}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    log_in(page, world.users["ministry"].username)

    expect(page).to_have_url(f"{live}/ministry/")
    blocs = page.locator("main section[data-testid^=bloc-] h2")
    expect(blocs).to_contain_text([world.own.name, world.other.name], ignore_case=False)


def test_wrong_password_keeps_the_officer_on_the_login_page(page: Page, live, world):
    page.goto(f"{live}/board/")
    log_in(page, world.users["board_officer"].username, "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text(
        "Tên đăng nhập và mật khẩu không khớp"
    )
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#id_username")).to_have_value(
        world.users["board_officer"].username
    )
    page.goto(f"{live}/board/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/board/$"))
