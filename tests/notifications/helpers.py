"""Building state for the notification tests, through the services."""

from decimal import Decimal

from pledges import services
from tests import factories
from tests.pledges.conftest import indicator, submission_of


def officer(board, **fields):
    n = factories.user(role="board_officer", board=board, **fields)
    return n


def submitted(world, board, actor):
    submission = submission_of(world, board)
    entries = {
        indicator(submission.bloc_year, "export").pk: services.Entry(
            actual=Decimal("10")
        )
    }
    return services.submission_submit(
        submission=submission,
        actor=actor,
        expected_version=submission.version,
        entries=entries,
    )
