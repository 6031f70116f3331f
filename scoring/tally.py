"""Deciding a voting round from its counts. No ORM.

1. Quorum: ballots cast over the base (member boards, or boards present)
   must reach quorum_percent, else nobody is chosen.
2. Threshold: a candidate needs votes of at least threshold_percent of the
   valid ballots.
3. Quota: the qualified candidates with most votes fill the seats.
4. Ties at the last seat: with the "score" rule the better score rank wins;
   if score ranks are equal too (or the rule is "none"), those seats stay
   unresolved and the bloc votes again among the tied boards.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def share(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Contender:
    board_id: int
    votes: int
    score_rank: int | None = None


@dataclass
class Decision:
    quorum_met: bool
    turnout: Decimal
    shares: dict[int, Decimal] = field(default_factory=dict)
    winners: list[int] = field(default_factory=list)
    unresolved: list[int] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if not self.quorum_met:
            return "no_quorum"
        if self.unresolved:
            return "tie"
        return "decided" if self.winners else "no_one_reached_threshold"


def decide(
    contenders: Iterable[Contender],
    *,
    cast: int,
    valid: int,
    base: int,
    quota: int,
    quorum_percent: Decimal,
    threshold_percent: Decimal,
    tie_break: str,
) -> Decision:
    contenders = list(contenders)
    turnout = share(cast, base)
    decision = Decision(
        quorum_met=bool(base) and turnout >= quorum_percent, turnout=turnout
    )
    decision.shares = {c.board_id: share(c.votes, valid) for c in contenders}
    if not decision.quorum_met:
        return decision
    qualified = sorted(
        (
            c
            for c in contenders
            if valid and decision.shares[c.board_id] >= threshold_percent
        ),
        key=lambda c: -c.votes,
    )
    if len(qualified) <= quota:
        decision.winners = [c.board_id for c in qualified]
        return decision
    boundary = qualified[quota - 1].votes
    sure = [c for c in qualified if c.votes > boundary]
    tied = [c for c in qualified if c.votes == boundary]
    seats = quota - len(sure)
    decision.winners = [c.board_id for c in sure]
    if len(tied) <= seats:  # the boundary is not shared: no tie to break
        decision.winners += [c.board_id for c in tied]
        return decision
    if tie_break == "score":
        ranked = sorted(tied, key=lambda c: (c.score_rank is None, c.score_rank or 0))
        last = ranked[seats - 1]
        cut = [c for c in ranked if c.score_rank == last.score_rank]
        if (
            last.score_rank is not None
            and len(ranked) > seats
            and (ranked[seats].score_rank != last.score_rank)
        ):
            decision.winners += [c.board_id for c in ranked[:seats]]
            return decision
        better = [c for c in ranked[:seats] if c not in cut]
        decision.winners += [c.board_id for c in better]
        decision.unresolved = [c.board_id for c in cut]
        return decision
    decision.unresolved = [c.board_id for c in tied]
    return decision
