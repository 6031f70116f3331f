"""Ballots: cast secretly by a board, published by receipt once counted."""

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import User
from blocs.services import audit_record
from scoring.models import Ballot, BallotCast, VotingRound
from scoring.permissions import can_vote
from scoring.services.rounds import _lock_round, ballots_shuffle


def cast_day() -> dt.datetime:
    """When a board voted, to the day (local midnight): enough to tell the
    board it has voted, too coarse to set beside anything timed."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def _receipt() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def ballot_cast_build(
    *, voting_round: VotingRound, board_id: int, cast_by: User, cast_at
) -> BallotCast:
    """The unsaved record that a board voted in a round (never what)."""
    return BallotCast(
        round=voting_round, board_id=board_id, cast_by=cast_by, cast_at=cast_at
    )


def ballot_build(
    *, voting_round: VotingRound, receipt: str, choices: list[int]
) -> Ballot:
    """An unsaved secret ballot: its receipt and the chosen boards' ids,
    sorted, with nothing of the voter."""
    return Ballot(round=voting_round, receipt=receipt, choices=sorted(set(choices)))


def ballot_refusal(*, voting_round: VotingRound, board_id: int | None) -> str | None:
    """Why a board's ballot is refused in this round whatever it chooses (the
    round is not open, or the board has voted), or None. The voting page
    says it instead of showing a ballot; ballot_cast refuses with it."""
    if voting_round.status != VotingRound.Status.OPEN:
        return _("This round is not open for voting.")
    if BallotCast.objects.filter(round=voting_round, board=board_id).exists():
        return _("Your board has already voted in this round.")
    return None


@transaction.atomic
def ballot_cast(*, voting_round: VotingRound, actor: User, choices: list[int]) -> str:
    """Cast the actor's board's ballot; return its receipt code.

    Who voted (and on which day) and what was voted go to two tables that
    share nothing but the round, and the round's ballots are rewritten in a
    random order; the round row is locked so that casts are counted one at a time,
    and the unique (round, board) of BallotCast refuses a second ballot even
    from a request that slipped past every check above it.
    """
    voting_round = _lock_round(voting_round)
    if not can_vote(actor, voting_round):
        raise PermissionDenied
    refusal = ballot_refusal(voting_round=voting_round, board_id=actor.board_id)
    if refusal is not None:
        raise ValidationError(refusal)
    choices = sorted(set(choices))
    candidates = set(voting_round.candidates.values_list("board_id", flat=True))
    if not set(choices) <= candidates:
        raise ValidationError(_("Choose among the candidates of this round."))
    if len(choices) > voting_round.max_choices:
        raise ValidationError(
            _("Choose at most %(n)s."), params={"n": voting_round.max_choices}
        )
    if not voting_round.self_vote_allowed and actor.board_id in choices:
        raise ValidationError(_("In this round a board may not vote for itself."))
    try:
        with transaction.atomic():
            ballot_cast_build(
                voting_round=voting_round,
                board_id=actor.board_id,
                cast_by=actor,
                cast_at=cast_day(),
            ).save()
    except IntegrityError as error:
        raise ValidationError(
            _("Your board has already voted in this round.")
        ) from error
    receipt = _receipt()
    ballot_build(voting_round=voting_round, receipt=receipt, choices=choices).save()
    # The new ballot goes to a random place among the others (see
    # ballots_shuffle): the k-th ballot stored is not the k-th board to vote.
    ballots_shuffle(voting_round)
    # The audit trail records that the board voted, never for whom.
    audit_record(
        actor=actor,
        action="ballot.cast",
        obj=voting_round,
        changes={"board": actor.board.short_name},
    )
    return receipt


def ballots_published(voting_round: VotingRound) -> list[Ballot]:
    """The counted ballots (receipt and choices), once the round is closed."""
    if not VotingRound.objects.filter(
        pk=voting_round.pk, status=VotingRound.Status.CLOSED
    ).exists():
        return []
    return list(Ballot.objects.filter(round=voting_round).order_by("receipt"))
