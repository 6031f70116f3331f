import pytest
from playwright.sync_api import expect

from blocs import selectors
from blocs.models import Membership
from tests.e2e import test_journeys as j
from tests.e2e.test_journeys import live  # noqa


@pytest.fixture(autouse=True)
def quick():
    expect.set_options(timeout=1500)
    yield
    expect.set_options(timeout=5000)


def test_a_leak(page, live, world, monkeypatch):
    monkeypatch.setattr(selectors, "memberships_list_for_board", lambda user: Membership.objects.select_related("bloc_year__bloc").all())
    with pytest.raises(AssertionError):
        j.test_board_officer_logs_in_and_sees_only_their_board(page, live, world)


def test_a_wrong_board(page, live, world):
    world.users["board_officer"].board = world.other_boards[0]
    with pytest.raises(AssertionError):
        j.test_board_officer_logs_in_and_sees_only_their_board(page, live, world)


def test_b_no_catalogue(page, live, world, settings):
    settings.LOCALE_PATHS = []
    with pytest.raises(AssertionError):
        j.test_board_officer_switches_language_and_back(page, live, world)


def test_c_missing_bloc(page, live, world, monkeypatch):
    orig = selectors.blocs_list_for_overview
    monkeypatch.setattr(selectors, "blocs_list_for_overview", lambda user: [b for b in orig(user=user) if b.pk != world.other.pk])
    with pytest.raises(AssertionError):
        j.test_ministry_viewer_lands_on_the_overview_of_every_bloc(page, live, world)


def test_d_english(page, live, world, settings):
    settings.LOCALE_PATHS = []
    with pytest.raises(AssertionError):
        j.test_wrong_password_keeps_the_officer_on_the_login_page(page, live, world)
