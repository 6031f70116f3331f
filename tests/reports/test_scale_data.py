"""The synthetic scale data set (reports/scale.py): small sizes, checked against
what the services compute from the same rows."""

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse

from blocs.models import Bloc, BlocYear, Board, Membership, User
from demodata import scale
from pledges.models import (
    Indicator,
    Pledge,
    Signature,
    Submission,
    ValidationRule,
    Value,
)
from pledges.selectors import bloc_totals
from pledges.services import submission_findings
from scoring import services as scoring
from scoring import tally
from scoring.models import (
    Ballot,
    BallotCast,
    Candidate,
    Score,
    ScoringScale,
    VotingRound,
)
from tests import factories

BLOCS, BOARDS, YEARS, INDICATORS = 2, 7, 2, 10
LAST = 2025


@pytest.fixture
def scale_data(db):
    out = io.StringIO()
    call_command(
        "generate_scale_data",
        blocs=BLOCS,
        boards=BOARDS,
        years=YEARS,
        indicators=INDICATORS,
        last_year=LAST,
        seed=7,
        stdout=out,
    )
    return out.getvalue()


def scale_years():
    return BlocYear.objects.filter(bloc__short_name__startswith=scale.PREFIX)


def test_every_table_has_the_size_asked_for(scale_data):
    years = BLOCS * YEARS
    submissions = years * BOARDS
    # Flag and merit rounds every year, the two elections but in the last.
    rounds = years * 2 + BLOCS * (YEARS - 1) * 2
    blocs = Bloc.objects.filter(short_name__startswith=scale.PREFIX)
    assert blocs.count() == BLOCS
    assert all(scale.MARK in b.name for b in blocs)
    assert Board.objects.filter(short_name__startswith=scale.PREFIX).count() == (
        BLOCS * BOARDS
    )
    assert scale_years().count() == years
    assert Membership.objects.filter(bloc_year__in=scale_years()).count() == (
        submissions
    )
    assert Indicator.objects.filter(bloc_year__in=scale_years()).count() == (
        years * INDICATORS
    )
    assert ValidationRule.objects.filter(bloc_year__in=scale_years()).exists()
    assert Pledge.objects.filter(bloc_year__in=scale_years()).count() == years
    assert Signature.objects.filter(pledge__bloc_year__in=scale_years()).count() == (
        submissions
    )
    subs = Submission.objects.filter(bloc_year__in=scale_years())
    assert subs.count() == submissions
    assert set(subs.values_list("status", flat=True)) == {Submission.Status.APPROVED}
    assert Value.objects.filter(submission__in=subs).count() == (
        submissions * INDICATORS
    )
    assert Score.objects.filter(bloc_year__in=scale_years()).count() == submissions
    assert set(
        ScoringScale.objects.filter(bloc_year__in=scale_years()).values_list(
            "status", flat=True
        )
    ) == {ScoringScale.Status.FROZEN}
    voting = VotingRound.objects.filter(bloc_year__in=scale_years())
    assert voting.count() == rounds
    assert set(voting.values_list("status", flat=True)) == {"closed"}
    assert Ballot.objects.filter(round__in=voting).count() == rounds * BOARDS
    assert BallotCast.objects.filter(round__in=voting).count() == rounds * BOARDS
    # One officer per board and one secretariat per bloc.
    assert User.objects.filter(board__short_name__startswith=scale.PREFIX).count() == (
        BLOCS * BOARDS
    )
    assert "Scale data generated" in scale_data


def test_years_are_closed_but_the_last(scale_data):
    statuses = defaultdict(set)
    for year, status in scale_years().values_list("year", "status"):
        statuses[year].add(status)
    assert statuses == {
        LAST - 1: {BlocYear.Status.CLOSED},
        LAST: {BlocYear.Status.VOTING},
    }


def test_bloc_totals_are_the_sums_of_the_values(scale_data):
    for bloc_year in scale_years():
        sums = {
            row["indicator__code"]: (row["actual"], row["plan"])
            for row in Value.objects.filter(submission__bloc_year=bloc_year)
            .values("indicator__code")
            .annotate(actual=Sum("actual"), plan=Sum("plan"))
        }
        rows = bloc_totals(bloc_year)
        assert rows
        for row in rows:
            assert (row.total.actual, row.total.plan) == sums[row.indicator.code]
            assert row.total.reported == BOARDS


def test_figures_pass_the_years_validation_rules(scale_data):
    subs = Submission.objects.filter(bloc_year__in=scale_years()).select_related(
        "bloc_year", "board"
    )
    for sub in subs:
        findings = submission_findings(sub)
        assert not [f for f in findings if f.is_error]
        notes = dict(sub.values.values_list("indicator__code", "note"))
        for warning in findings:
            assert any(notes[code] for code in warning.codes)


def test_scores_are_what_the_scoring_service_computes(scale_data):
    for bloc_year in scale_years():
        stored = {s.board_id: s for s in Score.objects.filter(bloc_year=bloc_year)}
        computed = scoring.score_boards(bloc_year)
        assert len(computed) == BOARDS
        for s in computed:
            assert stored[s.board_id].total == s.total
            assert stored[s.board_id].rank == s.rank
            assert stored[s.board_id].lines == [ln.as_json() for ln in s.lines]
        assert any(s.total > 0 for s in computed)


def test_rounds_are_counted_and_decided_by_their_ballots(scale_data):
    rounds = VotingRound.objects.filter(bloc_year__in=scale_years()).select_related(
        "bloc_year"
    )
    for voting_round in rounds:
        votes, cast, valid = scoring.round_count(voting_round)
        assert cast == BOARDS
        candidates = list(voting_round.candidates.all())
        ranks = dict(
            Score.objects.filter(bloc_year=voting_round.bloc_year).values_list(
                "board_id", "rank"
            )
        )
        decision = tally.decide(
            [
                tally.Contender(c.board_id, votes[c.board_id], ranks[c.board_id])
                for c in candidates
            ],
            cast=cast,
            valid=valid,
            base=BOARDS,
            quota=voting_round.quota,
            quorum_percent=voting_round.quorum_percent,
            threshold_percent=voting_round.threshold_percent,
            tie_break=voting_round.tie_break,
        )
        assert voting_round.outcome == decision.outcome == "decided"
        for c in candidates:
            assert c.votes == votes[c.board_id]
            assert c.elected == (c.board_id in decision.winners)
            assert c.share == decision.shares[c.board_id]


def test_elections_lead_the_next_year(scale_data):
    elections = Candidate.objects.filter(
        round__bloc_year__in=scale_years(),
        round__kind__in=["head", "deputy"],
        elected=True,
    ).select_related("round__bloc_year")
    assert elections.count() == BLOCS * (YEARS - 1) * 2
    for c in elections:
        following = BlocYear.objects.get(
            bloc=c.round.bloc_year.bloc, year=c.round.bloc_year.year + 1
        )
        role = following.memberships.get(board=c.board_id).role
        assert role == c.round.kind


def test_a_second_run_is_refused(scale_data):
    with pytest.raises(CommandError):
        call_command(
            "generate_scale_data", blocs=1, boards=3, years=1, stdout=io.StringIO()
        )


def test_pages_open_on_scale_data(scale_data, client_for):
    bloc_year = scale_years().get(bloc__short_name=f"{scale.PREFIX}01", year=LAST)
    sub = bloc_year.submissions.select_related("board").first()
    officer = User.objects.get(board=sub.board)
    score = Score.objects.get(bloc_year=bloc_year, board=sub.board)
    voting_round = bloc_year.voting_rounds.first()
    client = client_for(officer)
    for url in (
        reverse("pledges:submission", args=[sub.pk]),
        reverse("scoring:score", args=[score.pk]),
        reverse("scoring:round", args=[voting_round.pk]),
        reverse("blocs:board"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert Decimal(0) < score.total
    client = client_for(factories.user(role="ministry_viewer"))
    for url in (
        reverse("scoring:ranking", args=[bloc_year.pk]),
        reverse("blocs:overview"),
    ):
        assert client.get(url).status_code == 200, url
    secretariat = User.objects.get(bloc=bloc_year.bloc)
    client = client_for(secretariat)
    for name in ("completeness", "totals"):
        url = reverse(f"admin:pledges_reportingyear_{name}", args=[bloc_year.pk])
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:pledges_submission_changelist")).status_code == 200
