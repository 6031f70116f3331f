"""Nothing stored links a ballot to the board that cast it while the round is
open: not the order of rows (by primary key, by receipt, or as the database
stores them), not a time, and not the receipt code the board is given."""

import base64
import datetime as dt
import hashlib
import itertools
import re

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from scoring import services
from scoring.models import Ballot, BallotCast, VotingRound
from tests import factories

# Sixteen ballots in a random order come out in the order of casting with a
# chance of 1/16! (5e-14): the tests below cannot fail by bad luck.
VOTERS = 16
RECEIPT = re.compile(r"[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{10}")


@pytest.fixture
def open_round(db):
    boards = [factories.board() for _ in range(VOTERS)]
    year = factories.bloc_year(members=boards)
    voting_round = services.round_create(
        bloc_year=year, kind="flag", actor=None, max_choices=1, quota=1
    )
    factories.round_open(voting_round=voting_round, actor=None)
    officers = [factories.user(role="board_officer", board=b) for b in boards]
    return voting_round, boards, officers


def _storage_order(voting_round) -> list[list[int]]:
    """The round's ballots as the database stores them: SQLite's rowid order,
    PostgreSQL's physical order (ctid)."""
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT choices FROM scoring_ballot WHERE round_id = %s ORDER BY {order}",  # noqa: S608  a fixed column name
            [voting_round.pk],
        )
        rows = [row[0] for row in cursor.fetchall()]
    field = Ballot._meta.get_field("choices")
    return [field.from_db_value(row, None, connection) for row in rows]


def test_no_order_of_stored_ballots_follows_the_order_of_casting(open_round):
    voting_round, boards, officers = open_round
    cast_order = []
    for n, officer in enumerate(officers):
        # Each board picks a different candidate, so a ballot's choice tells
        # which cast it came from.
        choice = [boards[(n + 1) % VOTERS].pk]
        services.ballot_cast(voting_round=voting_round, actor=officer, choices=choice)
        cast_order.append(choice)

    ballots = Ballot.objects.filter(round=voting_round)
    orders = {
        "storage": _storage_order(voting_round),
        "primary key": list(ballots.order_by("pk").values_list("choices", flat=True)),
        "receipt": list(ballots.order_by("receipt").values_list("choices", flat=True)),
    }
    for name, order in orders.items():
        assert sorted(order) == sorted(cast_order), name  # every ballot is there
        assert order != cast_order, f"{name} order is the order of casting"
        assert order != cast_order[::-1], f"{name} order is the reverse of casting"
    # The records of who voted carry no time finer than the day.
    days = set(
        BallotCast.objects.filter(round=voting_round).values_list("cast_at", flat=True)
    )
    assert len(days) == 1
    (day,) = days
    assert timezone.localtime(day).time() == dt.time(0)


def test_last_ballot_is_not_stored_last(open_round):
    """The one ballot an observer of two moments could single out (the one
    added between them) takes a random place, not the end."""
    voting_round, boards, officers = open_round
    places = []
    for n, officer in enumerate(officers):
        choice = [boards[(n + 1) % VOTERS].pk]
        services.ballot_cast(voting_round=voting_round, actor=officer, choices=choice)
        places.append(_storage_order(voting_round).index(choice))
    # Stored last after each of the 16 casts: a chance of 1/16! if random.
    assert places != list(range(VOTERS))


# Receipts --------------------------------------------------------------------


def _derived(board, officer) -> list[str]:
    """What a careless receipt could be made of: the board's and the officer's
    identifiers, as typed, slugged, and as the usual digests of them."""
    raw = [
        str(board.pk),
        board.short_name,
        board.name,
        board.province,
        str(officer.pk),
        officer.username,
    ]
    texts = raw + [slugify(t) for t in raw]
    derived = []
    for text in texts:
        derived.append(text.upper())
        for algorithm in ("md5", "sha1", "sha256", "blake2b"):
            digest = hashlib.new(algorithm, text.encode()).digest()
            derived.append(digest.hex().upper())
            derived.append(base64.b32encode(digest).decode())
    return derived


def _grams(text: str, n: int) -> set[str]:
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def test_receipts_carry_nothing_of_the_voter(db):
    """Each board votes in six rounds. A receipt drawn at random shares no
    piece of two characters or more with all of that board's other receipts
    (a chance below 1e-9), so a fragment of anything fixed for the board (its
    id, name, code, slug, a hash of them) would show; nor does it contain
    seven characters in a row of the board's identifiers or their digests."""
    boards = [
        factories.board(short_name="KKT Dung Quất", name="Ban Quản lý KKT Dung Quất"),
        factories.board(short_name="KCNC Đà Nẵng", province="Đà Nẵng"),
        factories.board(),
    ]
    officers = {b.pk: factories.user(role="board_officer", board=b) for b in boards}
    bloc = factories.bloc()
    receipts = {b.pk: [] for b in boards}
    for year in range(2020, 2026):
        bloc_year = factories.bloc_year(bloc=bloc, year=year, members=boards)
        voting_round = services.round_create(
            bloc_year=bloc_year, kind="flag", actor=None
        )
        voting_round = factories.round_open(voting_round=voting_round, actor=None)
        for board in boards:
            receipts[board.pk].append(
                services.ballot_cast(
                    voting_round=voting_round,
                    actor=officers[board.pk],
                    choices=[boards[0].pk],
                )
            )
        assert voting_round.status == VotingRound.Status.OPEN

    for board in boards:
        mine = receipts[board.pk]
        assert all(RECEIPT.fullmatch(r) for r in mine), mine
        common = set.intersection(*(_grams(r, 2) for r in mine))
        assert not common, f"{board}: every receipt holds {sorted(common)}"
        derived = _derived(board, officers[board.pk])
        pieces = set().union(*(_grams(d, 7) for d in derived))
        for receipt in mine:
            assert not _grams(receipt, 7) & pieces, (board, receipt)
    everyone = list(itertools.chain.from_iterable(receipts.values()))
    assert len(set(everyone)) == len(everyone)
