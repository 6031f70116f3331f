"""Who may see scores and rounds, assess, vote and run the count."""

from django.db.models import QuerySet

from blocs.models import Membership
from blocs.permissions import (
    board_bloc_year_ids,
    is_board_officer,
    is_secretariat,
    sees_everything,
)
from pledges.permissions import can_manage_year
from scoring.models import Score, ScoringScale, VotingRound


def scales_visible_to(user) -> QuerySet[ScoringScale]:
    if sees_everything(user):
        return ScoringScale.objects.all()
    if is_secretariat(user):
        return ScoringScale.objects.filter(bloc_year__bloc=user.bloc_id)
    if is_board_officer(user):
        return ScoringScale.objects.filter(bloc_year__in=board_bloc_year_ids(user))
    return ScoringScale.objects.none()


def scores_visible_to(user) -> QuerySet[Score]:
    """Board officers see their own board's score only."""
    if sees_everything(user):
        return Score.objects.all()
    if is_secretariat(user):
        return Score.objects.filter(bloc_year__bloc=user.bloc_id)
    if is_board_officer(user):
        return Score.objects.filter(board=user.board_id)
    return Score.objects.none()


def rounds_visible_to(user) -> QuerySet[VotingRound]:
    if sees_everything(user):
        return VotingRound.objects.all()
    if is_secretariat(user):
        return VotingRound.objects.filter(bloc_year__bloc=user.bloc_id)
    if is_board_officer(user):
        # A round being prepared is the secretariat's business only.
        return VotingRound.objects.filter(
            bloc_year__in=board_bloc_year_ids(user)
        ).exclude(status=VotingRound.Status.DRAFT)
    return VotingRound.objects.none()


def can_run_scoring(user, bloc_year) -> bool:
    """The year's secretariat (or a superuser) while the year is open."""
    return can_manage_year(user, bloc_year)


def can_vote(user, voting_round: VotingRound) -> bool:
    return (
        is_board_officer(user)
        and not voting_round.on_paper
        and Membership.objects.filter(
            bloc_year=voting_round.bloc_year_id, board=user.board_id
        ).exists()
    )


def can_self_assess(user, bloc_year) -> bool:
    return (
        is_board_officer(user)
        and bloc_year.status != "closed"
        and Membership.objects.filter(bloc_year=bloc_year, board=user.board_id).exists()
    )
