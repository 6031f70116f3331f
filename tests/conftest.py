"""A small world for every test: two blocs, their boards and one user per role.

``world.own`` is the bloc whose secretariat, board officer and years the tests
act on; ``world.other`` is a second bloc that those users must never reach.
"""

from dataclasses import dataclass

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from blocs import two_factor
from blocs.models import Bloc, BlocYear, Board, User
from tests import factories
from tests.demo import demo_loaded

ROLES = ["anonymous", "board_officer", "other_secretariat", "secretariat", "ministry"]


@dataclass
class World:
    own: Bloc
    other: Bloc
    own_year: BlocYear
    other_year: BlocYear
    own_boards: list[Board]
    other_boards: list[Board]
    users: dict[str, User | None]


@pytest.fixture(autouse=True)
def _pages_of_this_process_forgotten():
    """Each test starts without the pages this process kept (reports.cache,
    and the report pages' copies): a test's rolled-back writes give their ids
    again on SQLite, so the next test's first write can bring back a data
    version an earlier test read."""
    from pledges.views import PAGE_COPIES
    from reports.cache import recent

    recent.clear()
    PAGE_COPIES.clear()


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for the test module that asks for it (see
    tests/demo.py); its tests run in savepoints inside it."""
    yield from demo_loaded(django_db_blocker, tmp_path_factory)


@pytest.fixture
def demo(loaded, db):
    """The demo's load_demo output, for a test inside the module's demo."""
    return loaded


@pytest.fixture
def world(db) -> World:
    own, other = factories.bloc(), factories.bloc()
    own_boards = [factories.board() for _ in range(3)]
    other_boards = [factories.board() for _ in range(3)]
    own_year = factories.bloc_year(
        bloc=own, members=own_boards, head=own_boards[0], deputy=own_boards[1]
    )
    other_year = factories.bloc_year(
        bloc=other, members=other_boards, head=other_boards[0]
    )
    users = {
        "anonymous": None,
        "board_officer": factories.user(role="board_officer", board=own_boards[2]),
        "other_secretariat": factories.user(role="secretariat", bloc=other),
        "secretariat": factories.user(role="secretariat", bloc=own),
        "ministry": factories.user(role="ministry_viewer"),
        "superuser": factories.user(superuser=True),
    }
    return World(own, other, own_year, other_year, own_boards, other_boards, users)


def otp_verify(client, user) -> None:
    """Mark the client's session as having passed the second factor, as the
    code page does (blocs.two_factor), with the user's authenticator (made
    if it has none): a superuser reaches nothing before that."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="authenticator", confirmed=True
        )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[two_factor.SESSION_KEY] = True
    session.save()


@pytest.fixture
def client_for(client):
    """client_for(user) logs the test client in as that user (None: anonymous);
    a superuser's session has passed the second factor too."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
            if user.is_superuser:
                otp_verify(client, user)
        return client

    return login


@pytest.fixture(scope="session")
def demo_ca(tmp_path_factory):
    """A throw-away CA and the portal's signer, made once for the session."""
    from tests.signing import make_demo_ca

    return make_demo_ca(tmp_path_factory.mktemp("demo-ca"))


@pytest.fixture
def signing_on(demo_ca, settings):
    """Publishing signs with the session's demo CA, which is the trust root."""
    for name, value in demo_ca.settings().items():
        setattr(settings, name, value)
    return demo_ca
