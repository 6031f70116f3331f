"""Concurrent writers through real requests: many boards voting at once, many
tabs saving one report at once. Each request either waits its turn and is
served, or is told its edit is stale (409): never a 500, whatever the
database (on SQLite: BEGIN IMMEDIATE and a busy timeout, see DATABASES)."""

import http.client
import secrets
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client

from pledges import services as pledges
from pledges.models import Indicator, Submission, Value
from scoring import services as scoring
from scoring.models import Ballot, BallotCast
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _post(live_server, path: str, session: str, form: dict) -> int:
    """One POST on its own connection, with a session and a CSRF token the
    way a browser sends them."""
    token = secrets.token_hex(16)  # 32 characters: a valid unmasked secret
    url = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    try:
        conn.request(
            "POST",
            path,
            body=urlencode({**form, "csrfmiddlewaretoken": token}, doseq=True),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={session}; csrftoken={token}",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _all_at_once(jobs) -> list:
    """Run the jobs in threads released together; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(n, job):
        barrier.wait()
        try:
            results[n] = job()
        except Exception as error:  # reported by the assertion on the results
            results[n] = repr(error)

    threads = [threading.Thread(target=run, args=(n, j)) for n, j in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_ten_boards_voting_at_once_are_all_counted(live_server):
    boards = [factories.board() for _ in range(10)]
    year = factories.bloc_year(members=boards)
    voting_round = scoring.round_create(
        bloc_year=year, kind="head", actor=None, max_choices=1
    )
    factories.round_open(voting_round=voting_round, actor=None)
    sessions = [
        _session(factories.user(role="board_officer", board=board)) for board in boards
    ]
    path = f"/rounds/{voting_round.pk}/"

    def vote(n):
        choice = boards[(n + 1) % len(boards)].pk
        return lambda: _post(live_server, path, sessions[n], {"choices": [choice]})

    statuses = _all_at_once([vote(n) for n in range(len(boards))])

    # Each voter is sent back to the round with its receipt: all queued, none
    # refused for a locked database.
    assert statuses == [302] * len(boards), statuses
    assert BallotCast.objects.filter(round=voting_round).count() == len(boards)
    assert Ballot.objects.filter(round=voting_round).count() == len(boards)


def test_six_saves_of_one_report_at_once_keep_one_and_refuse_the_rest(
    live_server,
):
    board = factories.board()
    year = factories.bloc_year(members=[board])
    pledges.indicators_copy(bloc_year=year, actor=None)
    pledges.submissions_prepare(bloc_year=year, actor=None)
    submission = Submission.objects.get(bloc_year=year, board=board)
    value = (
        Value.objects.filter(
            submission=submission, indicator__kind=Indicator.Kind.INTEGER
        )
        .select_related("indicator")
        .first()
    )
    officer = factories.user(role="board_officer", board=board)
    sessions = [_session(officer) for _ in range(6)]
    path = f"/submissions/{submission.pk}/"

    def save(n):
        form = {
            "version": submission.version,
            "action": "save",
            f"actual_{value.indicator_id}": str(100 + n),
        }
        return lambda: _post(live_server, path, sessions[n], form)

    version = submission.version
    statuses = _all_at_once([save(n) for n in range(6)])

    # Every tab posted the version it was shown: the first write wins, the
    # others learn that the report changed under them.
    assert sorted(statuses) == [302] + [409] * 5, statuses
    value.refresh_from_db()
    submission.refresh_from_db()
    assert value.actual in {100 + n for n in range(6)}
    assert submission.version == version + 1
