"""Voting rounds: created, opened, tallied on paper, closed and decided."""

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs import awards
from blocs import services as bloc_services
from blocs.models import BlocYear, Membership, User
from blocs.services import audit_record, stated_date_check
from pledges.models import Submission
from scoring import notices, tally
from scoring.models import Ballot, Candidate, Score, VotingRound
from scoring.services.common import _require


def round_build(*, bloc_year: BlocYear, kind: str, **settings) -> VotingRound:
    """An unsaved round, titled by default after its kind."""
    voting_round = VotingRound(bloc_year=bloc_year, kind=kind, **settings)
    if not voting_round.title:
        voting_round.title = VotingRound.Kind(kind).label
    return voting_round


def candidates_build(*, voting_round: VotingRound, board_ids) -> list[Candidate]:
    """The unsaved candidates of a saved round, one per board, by board id."""
    return [Candidate(round=voting_round, board_id=b) for b in sorted(board_ids)]


@transaction.atomic
def round_create(
    *,
    bloc_year: BlocYear,
    kind: str,
    actor: User | None,
    candidates: list[int] | None = None,
    **settings,
) -> VotingRound:
    """A round with the given candidate boards (default: every member)."""
    _require(actor, bloc_year)
    members = set(bloc_year.memberships.values_list("board_id", flat=True))
    chosen = set(candidates) if candidates is not None else members
    if not chosen <= members:
        raise ValidationError(_("Candidates must be members of the bloc this year."))
    voting_round = round_build(bloc_year=bloc_year, kind=kind, **settings)
    voting_round.full_clean()
    voting_round.save()
    Candidate.objects.bulk_create(
        candidates_build(voting_round=voting_round, board_ids=chosen)
    )
    audit_record(actor=actor, action="round.create", obj=voting_round)
    return voting_round


def registered_candidates(*, bloc_year: BlocYear, kind: str) -> list[int]:
    """The boards a round of ``kind`` starts with: the members that registered
    for its award (or a higher one) in their reports; every member for the
    elections of next year's head and deputy, which nobody registers for."""
    members = bloc_year.memberships.values_list("board_id", flat=True)
    if kind not in awards.AWARD_CODES:
        return sorted(members)
    return sorted(
        Submission.objects.filter(
            bloc_year=bloc_year,
            board__in=members,
            award_target__in=list(awards.award(kind).accepts),
        ).values_list("board_id", flat=True)
    )


def eligible_candidates(
    bloc_year: BlocYear, award: str, top: int | None = None
) -> list[int]:
    """Members that registered for ``award`` (or above), best scores first."""
    wanted = list(awards.award(award).accepts)
    registered = set(
        Submission.objects.filter(
            bloc_year=bloc_year, award_target__in=wanted
        ).values_list("board_id", flat=True)
    )
    ranked = list(
        Score.objects.filter(bloc_year=bloc_year, board__in=registered)
        .order_by("rank")
        .values_list("board_id", flat=True)
    )
    return ranked[:top] if top else ranked


def _lock_round(voting_round: VotingRound) -> VotingRound:
    return (
        VotingRound.objects.select_for_update(of=("self",))
        .select_related("bloc_year")
        .get(pk=voting_round.pk)
    )


@transaction.atomic
def round_open(
    *,
    voting_round: VotingRound,
    actor: User | None,
    opened_at: dt.datetime | None = None,
) -> VotingRound:
    """Open the round; ``opened_at``, for a year recorded after the fact, is
    when the vote began on paper."""
    voting_round = _lock_round(voting_round)
    _require(actor, voting_round.bloc_year)
    if voting_round.status != VotingRound.Status.DRAFT:
        raise ValidationError(_("Only a round being prepared can be opened."))
    # Boards vote knowing the scores (and ties fall to them): none, no vote.
    if not Score.objects.filter(bloc_year=voting_round.bloc_year).exists():
        raise ValidationError(
            _(
                "A round opens once the year's scores exist: freeze the scoring "
                "scale first, which computes them."
            )
        )
    stated_date_check(bloc_year=voting_round.bloc_year, stated=opened_at)
    voting_round.status, voting_round.opened_at = (
        VotingRound.Status.OPEN,
        opened_at or timezone.now(),
    )
    voting_round.save(update_fields=["status", "opened_at"])
    audit_record(actor=actor, action="round.open", obj=voting_round)
    if not voting_round.on_paper:
        notices.round_opened(voting_round)
    return voting_round


@transaction.atomic
def round_paper_tally(
    *,
    voting_round: VotingRound,
    actor: User,
    issued: int,
    valid: int,
    invalid: int,
    votes: dict[int, int],
) -> VotingRound:
    """Enter the count of a vote held on paper at the conference."""
    voting_round = _lock_round(voting_round)
    _require(actor, voting_round.bloc_year)
    if not voting_round.on_paper or voting_round.status == VotingRound.Status.CLOSED:
        raise ValidationError(_("Tallies are entered for an open paper round only."))
    if valid + invalid > issued:
        raise ValidationError(_("Valid and invalid ballots exceed those issued."))
    if any(v < 0 or v > valid for v in votes.values()):
        raise ValidationError(
            _("A candidate cannot have more votes than valid ballots.")
        )
    if sum(votes.values()) > valid * voting_round.max_choices:
        raise ValidationError(_("More votes than the valid ballots allow."))
    voting_round.paper_issued, voting_round.paper_valid = issued, valid
    voting_round.paper_invalid = invalid
    voting_round.save(update_fields=["paper_issued", "paper_valid", "paper_invalid"])
    for candidate in voting_round.candidates.all():
        candidate.paper_votes = votes.get(candidate.board_id, 0)
        candidate.save(update_fields=["paper_votes"])
    audit_record(
        actor=actor,
        action="round.paper_tally",
        obj=voting_round,
        changes={
            "issued": issued,
            "valid": valid,
            "invalid": invalid,
            "votes": {str(k): v for k, v in votes.items()},
        },
    )
    return voting_round


def round_count(voting_round: VotingRound) -> tuple[dict[int, int], int, int]:
    """(votes per candidate board, ballots cast, valid ballots), recounted
    from the stored ballots (or the paper tallies)."""
    candidates = list(voting_round.candidates.all())
    if voting_round.on_paper:
        votes = {c.board_id: c.paper_votes or 0 for c in candidates}
        cast = (voting_round.paper_valid or 0) + (voting_round.paper_invalid or 0)
        return votes, cast, voting_round.paper_valid or 0
    votes = {c.board_id: 0 for c in candidates}
    ballots = list(voting_round.ballots.values_list("choices", flat=True))
    for choices in ballots:
        for board_id in choices:
            votes[board_id] += 1
    return votes, len(ballots), len(ballots)


def round_outcome_text(outcome: str) -> str:
    """A round's outcome code (scoring/tally.py) in words; "" before it
    closes."""
    if outcome in VotingRound.Outcome.values:
        return str(VotingRound.Outcome(outcome).label)
    return outcome


def round_ballot_counts(
    voting_round: VotingRound, *, members: int | None = None
) -> dict[str, int]:
    """Issued, returned, valid and invalid ballots of a round, as the minutes
    print them and the admin shows them: a paper round's tallies; online, one
    ballot per member board (``members``, counted if not given) and every
    cast ballot valid."""
    _votes, cast, valid = round_count(voting_round)
    if voting_round.on_paper:
        issued = voting_round.paper_issued or 0
        invalid = voting_round.paper_invalid or 0
    else:
        if members is None:
            members = voting_round.bloc_year.memberships.count()
        issued, invalid = members, 0
    return {"issued": issued, "returned": cast, "valid": valid, "invalid": invalid}


@transaction.atomic
def round_close(
    *,
    voting_round: VotingRound,
    actor: User | None,
    closed_at: dt.datetime | None = None,
) -> tally.Decision:
    """Close the round, count, decide by its rules and record the result;
    an election fills next year's head or deputy. ``closed_at``, for a year
    recorded after the fact, is when the count ended on paper."""
    voting_round = _lock_round(voting_round)
    _require(actor, voting_round.bloc_year)
    if voting_round.status != VotingRound.Status.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    stated_date_check(bloc_year=voting_round.bloc_year, stated=closed_at)
    if closed_at is not None and closed_at < voting_round.opened_at:
        raise ValidationError(_("A round cannot close before it opened."))
    bloc_year = voting_round.bloc_year
    votes, cast, valid = round_count(voting_round)
    base = (
        voting_round.present
        if voting_round.quorum_base == VotingRound.QuorumBase.PRESENT
        else bloc_year.memberships.count()
    ) or 0
    scores = {s.board_id: s for s in Score.objects.filter(bloc_year=bloc_year)}
    candidates = list(voting_round.candidates.all())
    decision = round_decide(
        voting_round=voting_round,
        candidates=candidates,
        votes=votes,
        cast=cast,
        valid=valid,
        base=base,
        scores=scores,
    )
    Candidate.objects.bulk_update(
        candidates, ["votes", "share", "score_rank", "score_total", "elected"]
    )
    ballots_shuffle(voting_round)
    voting_round.status, voting_round.closed_at = (
        VotingRound.Status.CLOSED,
        closed_at or timezone.now(),
    )
    voting_round.outcome = decision.outcome
    voting_round.save(update_fields=["status", "closed_at", "outcome"])
    if voting_round.kind in (VotingRound.Kind.HEAD, VotingRound.Kind.DEPUTY):
        _record_election(voting_round, decision)
    audit_record(
        actor=actor,
        action="round.close",
        obj=voting_round,
        changes={
            "outcome": decision.outcome,
            "winners": decision.winners,
            "unresolved": decision.unresolved,
            "votes": {str(k): v for k, v in votes.items()},
            "cast": cast,
        },
    )
    notices.results_published(voting_round)
    return decision


def round_decide(
    *,
    voting_round: VotingRound,
    candidates: list[Candidate],
    votes: dict[int, int],
    cast: int,
    valid: int,
    base: int,
    scores: dict[int, Score],
) -> tally.Decision:
    """Decide a counted round by its rules (``scoring.tally``) and write the
    result onto its (unsaved or stored) ``candidates``: votes, share, score
    and elected; the round's outcome is the decision's. Saving is the
    caller's: ``round_close`` updates the rows, a generator inserts them."""
    decision = tally.decide(
        [
            tally.Contender(
                c.board_id,
                votes[c.board_id],
                scores[c.board_id].rank if c.board_id in scores else None,
            )
            for c in candidates
        ],
        cast=cast,
        valid=valid,
        base=base,
        quota=voting_round.quota,
        quorum_percent=voting_round.quorum_percent,
        threshold_percent=voting_round.threshold_percent,
        tie_break=voting_round.tie_break,
    )
    for c in candidates:
        score = scores.get(c.board_id)
        c.votes, c.share = votes[c.board_id], decision.shares[c.board_id]
        c.score_rank = score.rank if score else None
        c.score_total = score.total if score else None
        c.elected = c.board_id in decision.winners
    voting_round.outcome = decision.outcome
    return decision


def ballots_shuffle(voting_round: VotingRound) -> None:
    """Rewrite the round's ballots in a fresh random order, in the caller's
    transaction (which must hold the round's row lock).

    Called on every cast and at the close: the rows (their primary keys, their
    physical places, PostgreSQL's ctid and inserting transaction, SQLite's
    rowid) then follow no order of casting, so neither the database nor a
    backup lines ballots up with the voters in BallotCast.
    """
    ballots = list(
        Ballot.objects.filter(round=voting_round).values_list("receipt", "choices")
    )
    random.SystemRandom().shuffle(ballots)
    Ballot.objects.filter(round=voting_round).delete()
    Ballot.objects.bulk_create(
        Ballot(round=voting_round, receipt=receipt, choices=choices)
        for receipt, choices in ballots
    )


def _record_election(voting_round: VotingRound, decision: tally.Decision) -> None:
    """The elected board leads next year's bloc-year, whose members are
    this year's (added where missing)."""
    if len(decision.winners) != 1:
        return
    bloc_year = voting_round.bloc_year
    next_year = BlocYear.objects.filter(
        bloc=bloc_year.bloc, year=bloc_year.year + 1
    ).first()
    if next_year is None:
        next_year = bloc_services.bloc_year_upsert(
            bloc=bloc_year.bloc, year=bloc_year.year + 1
        )
    role = (
        Membership.Role.HEAD
        if voting_round.kind == VotingRound.Kind.HEAD
        else Membership.Role.DEPUTY
    )
    winner = decision.winners[0]
    next_year.memberships.filter(role=role).exclude(board_id=winner).update(
        role=Membership.Role.MEMBER
    )
    existing = {m.board_id: m for m in next_year.memberships.all()}
    for member in bloc_year.memberships.select_related("board"):
        if member.board_id == winner:
            # An existing membership keeps its provenance; only the role changes.
            current = existing.get(winner)
            keep = (
                {"confirmed": current.confirmed, "source": current.source}
                if current
                else {}
            )
            bloc_services.membership_set(
                bloc_year=next_year, board=member.board, role=role, **keep
            )
        elif member.board_id not in existing:
            bloc_services.membership_set(bloc_year=next_year, board=member.board)
