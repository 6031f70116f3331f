"""Admin lists filtered by bloc-year run the same queries for 2 or 8 years:
the filter's choices (labelled with their bloc) come in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pledges import services as pledges
from scoring import services as scoring
from tests import factories

LISTS = [
    "admin:pledges_indicator_changelist",
    "admin:pledges_validationrule_changelist",
    "admin:pledges_pledge_changelist",
    "admin:pledges_submission_changelist",
    "admin:pledges_value_changelist",
    "admin:scoring_scoringscale_changelist",
    "admin:scoring_score_changelist",
    "admin:scoring_votinground_changelist",
    "admin:reports_publication_changelist",
]


def _add_years(world, first, count):
    """``count`` bloc-years of the own bloc, each with rows in every list."""
    for year_number in range(first, first + count):
        year = factories.bloc_year(
            bloc=world.own, year=year_number, members=world.own_boards
        )
        pledges.indicators_copy(bloc_year=year, actor=None)
        pledges.submissions_prepare(bloc_year=year, actor=None)
        pledges.pledge_create(bloc_year=year, actor=None)
        scale = scoring.scale_create(bloc_year=year, actor=None)
        scoring.scale_freeze(scale=scale, actor=None)
        scoring.round_create(bloc_year=year, kind="flag", actor=None)


def _query_counts(client):
    counts = {}
    for name in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(queries)
    return counts


@pytest.mark.parametrize("role", ["superuser", "secretariat"])
def test_bloc_year_filters_run_fixed_queries(world, client_for, role):
    client = client_for(world.users[role])
    _add_years(world, 2000, 2)
    few = _query_counts(client)
    _add_years(world, 2010, 6)
    assert _query_counts(client) == few
