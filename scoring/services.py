"""Every state change of the scoring app: scales, assessments, scores, votes."""

import random
import secrets
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs import services as bloc_services
from blocs.models import BlocYear, Membership, User
from blocs.services import audit_record
from blocs.templatetags.vn import num
from pledges.models import Submission, Value
from scoring import defaults, rules, tally
from scoring.models import (
    Assessment,
    Ballot,
    BallotCast,
    Candidate,
    Criterion,
    Score,
    ScoringScale,
    VotingRound,
)
from scoring.permissions import can_run_scoring, can_self_assess, can_vote

# Scales -------------------------------------------------------------------------

CRITERION_FIELDS = [
    "code",
    "name",
    "kind",
    "max_points",
    "order",
    "indicator_code",
    "full_at_percent",
    "loss_per_percent",
    "bonus_per_percent",
    "bonus_cap",
]


def _require(actor: User | None, bloc_year: BlocYear) -> None:
    if actor is not None and not can_run_scoring(actor, bloc_year):
        raise PermissionDenied


@transaction.atomic
def scale_create(*, bloc_year: BlocYear, actor: User | None) -> ScoringScale:
    """The year's scale: a copy of the bloc's latest earlier scale, else the
    default one (scoring/defaults.py)."""
    _require(actor, bloc_year)
    if ScoringScale.objects.filter(bloc_year=bloc_year).exists():
        raise ValidationError(_("This year already has a scoring scale."))
    scale = ScoringScale.objects.create(
        bloc_year=bloc_year,
        title=_("Scoring scale %(year)s") % {"year": bloc_year.year},
    )
    previous = (
        ScoringScale.objects.filter(
            bloc_year__bloc=bloc_year.bloc, bloc_year__year__lt=bloc_year.year
        )
        .order_by("-bloc_year__year")
        .first()
    )
    if previous is not None:
        parents = {}
        # Groups (no parent) first: PostgreSQL sorts NULLs last by default.
        for c in previous.criteria.order_by(
            F("parent_id").asc(nulls_first=True), "order"
        ):
            copy = Criterion.objects.create(
                scale=scale,
                parent=parents.get(c.parent_id),
                **{f: getattr(c, f) for f in CRITERION_FIELDS},
            )
            parents[c.pk] = copy
    else:
        made = {}
        for i, (code, name, kind, points, parent, indicator) in enumerate(
            defaults.CRITERIA
        ):
            made[code] = Criterion.objects.create(
                scale=scale,
                parent=made.get(parent),
                code=code,
                name=name,
                kind=kind,
                max_points=points,
                order=(i + 1) * 10,
                indicator_code=indicator,
            )
    audit_record(actor=actor, action="scale.create", obj=scale)
    return scale


@transaction.atomic
def scale_freeze(*, scale: ScoringScale, actor: User | None) -> ScoringScale:
    """Freeze the scale: scoring opens and the criteria can no longer change."""
    scale = ScoringScale.objects.select_for_update().get(pk=scale.pk)
    _require(actor, scale.bloc_year)
    if scale.status == ScoringScale.Status.FROZEN:
        raise ValidationError(_("The scale is already frozen."))
    if not scale.criteria.exclude(kind=Criterion.Kind.GROUP).exists():
        raise ValidationError(_("A scale needs at least one scored criterion."))
    scale.status = ScoringScale.Status.FROZEN
    scale.save(update_fields=["status"])
    audit_record(actor=actor, action="scale.freeze", obj=scale)
    scores_compute(bloc_year=scale.bloc_year, actor=None)
    return scale


# Assessments ----------------------------------------------------------------------


@transaction.atomic
def assessment_set(
    *,
    criterion: Criterion,
    board_id: int,
    source: str,
    points: Decimal,
    comment: str,
    actor: User,
    recompute: bool = True,
) -> Assessment:
    """A board's own points (self) or the bloc's final points for a criterion
    given by hand; both are kept, the bloc's count. A caller saving many cells
    in one transaction passes ``recompute=False`` and calls
    ``scores_compute`` once at the end."""
    bloc_year = criterion.scale.bloc_year
    if source == Assessment.Source.SELF:
        if not (can_self_assess(actor, bloc_year) and actor.board_id == board_id):
            raise PermissionDenied
    elif not can_run_scoring(actor, bloc_year):
        raise PermissionDenied
    computed = criterion.kind in (Criterion.Kind.GROUP, Criterion.Kind.PLAN) or (
        criterion.kind == Criterion.Kind.YES_NO and criterion.indicator_code
    )
    if computed:
        raise ValidationError(_("This criterion is computed, not assessed."))
    if criterion.scale.status != ScoringScale.Status.FROZEN:
        raise ValidationError(_("Assessment opens when the scale is frozen."))
    if not bloc_year.memberships.filter(board_id=board_id).exists():
        raise ValidationError(_("Only member boards of the year are assessed."))
    if not Decimal(0) <= points <= criterion.max_points:
        raise ValidationError(
            _("Give between 0 and %(max)s points."),
            params={"max": num(criterion.max_points)},
        )
    assessment = (
        Assessment.objects.select_for_update()
        .filter(criterion=criterion, board_id=board_id, source=source)
        .first()
    ) or Assessment(criterion=criterion, board_id=board_id, source=source)
    old = None if assessment.pk is None else str(assessment.points)
    assessment.points, assessment.comment, assessment.by = points, comment, actor
    assessment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError as error:  # a concurrent first save of the same cell
        raise ValidationError(
            _("Someone assessed this criterion at the same moment: save again.")
        ) from error
    audit_record(
        actor=actor,
        action=f"assessment.{source}",
        obj=bloc_year,
        changes={
            "board": board_id,
            "criterion": criterion.code,
            "points": [old, str(points)],
            "comment": comment,
        },
    )
    if recompute:
        scores_compute(bloc_year=bloc_year, actor=None)
    return assessment


# Scores ------------------------------------------------------------------------------


def _specs(scale: ScoringScale) -> list[rules.CriterionSpec]:
    criteria = list(scale.criteria.select_related("parent").order_by("order", "code"))
    return [
        rules.CriterionSpec(
            code=c.code,
            name=c.name,
            kind=c.kind,
            max_points=c.max_points,
            parent=c.parent.code if c.parent else None,
            indicator=c.indicator_code,
            full_at=c.full_at_percent,
            loss_per_percent=c.loss_per_percent,
            bonus_per_percent=c.bonus_per_percent,
            bonus_cap=c.bonus_cap,
        )
        for c in criteria
    ]


def score_boards(bloc_year: BlocYear) -> list[rules.BoardScore]:
    """Every member's score from approved figures and the assessments, ranked."""
    scale = bloc_year.scoring_scale
    specs = _specs(scale)
    members = list(
        Membership.objects.filter(bloc_year=bloc_year).select_related("board")
    )
    actual: dict[int, dict] = defaultdict(dict)
    plan: dict[int, dict] = defaultdict(dict)
    for board_id, code, a, p in Value.objects.filter(
        submission__bloc_year=bloc_year, submission__status=Submission.Status.APPROVED
    ).values_list("submission__board_id", "indicator__code", "actual", "plan"):
        actual[board_id][code], plan[board_id][code] = a, p
    best = {
        s.indicator: max(
            (actual[m.board_id].get(s.indicator) or Decimal(0) for m in members),
            default=None,
        )
        for s in specs
        if s.indicator
    }
    assessed: dict[int, dict] = defaultdict(dict)
    for a in Assessment.objects.filter(criterion__scale=scale).select_related(
        "criterion"
    ):
        slot = assessed[a.board_id]
        # The bloc's assessment is final; a self-assessment counts until then.
        if a.source == Assessment.Source.BLOC or a.criterion.code not in slot:
            slot[a.criterion.code] = (a.points, a.source, a.comment)
    scores = [
        rules.score_board(
            specs,
            m.board_id,
            m.board.short_name,
            actual[m.board_id],
            plan[m.board_id],
            best,
            assessed[m.board_id],
        )
        for m in members
    ]
    first_group = next((s.code for s in specs if s.kind == "group"), None)
    return rules.rank(scores, first_group)


@transaction.atomic
def scores_compute(*, bloc_year: BlocYear, actor: User | None) -> list[Score]:
    """Recompute and store every member's score (deterministic; a closed year
    keeps its scores)."""
    _require(actor, bloc_year)
    if bloc_year.status == BlocYear.Status.CLOSED:
        raise ValidationError(_("A closed year keeps its scores."))
    scale = ScoringScale.objects.filter(bloc_year=bloc_year).first()
    if scale is None or scale.status != ScoringScale.Status.FROZEN:
        return []
    now = timezone.now()
    computed = score_boards(bloc_year)
    # Update in place: a score keeps its id (and its links) across recomputes.
    existing = {s.board_id: s for s in Score.objects.filter(bloc_year=bloc_year)}
    Score.objects.filter(bloc_year=bloc_year).exclude(
        board_id__in=[s.board_id for s in computed]
    ).delete()
    stored = []
    for s in computed:
        score = existing.get(s.board_id) or Score(
            bloc_year=bloc_year, board_id=s.board_id
        )
        score.total, score.rank, score.computed_at = s.total, s.rank, now
        score.lines = [ln.as_json() for ln in s.lines]
        stored.append(score)
    Score.objects.bulk_create([s for s in stored if s.pk is None])
    Score.objects.bulk_update(
        [s for s in stored if s.pk is not None],
        ["total", "rank", "lines", "computed_at"],
    )
    return stored


def recompute_after_submission_change(submission) -> None:
    """pledges hook: figures changed (approved, reopened, imported)."""
    bloc_year = submission.bloc_year
    if bloc_year.status != BlocYear.Status.CLOSED:
        scores_compute(bloc_year=bloc_year, actor=None)


# Voting rounds ----------------------------------------------------------------------


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
    voting_round = VotingRound(bloc_year=bloc_year, kind=kind, **settings)
    if not voting_round.title:
        voting_round.title = VotingRound.Kind(kind).label
    voting_round.full_clean()
    voting_round.save()
    Candidate.objects.bulk_create(
        Candidate(round=voting_round, board_id=b) for b in sorted(chosen)
    )
    audit_record(actor=actor, action="round.create", obj=voting_round)
    return voting_round


def eligible_candidates(
    bloc_year: BlocYear, award: str, top: int | None = None
) -> list[int]:
    """Members that registered for ``award`` (or above), best scores first."""
    wanted = {"merit": ["merit", "flag"], "flag": ["flag"]}[award]
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
def round_open(*, voting_round: VotingRound, actor: User | None) -> VotingRound:
    voting_round = _lock_round(voting_round)
    _require(actor, voting_round.bloc_year)
    if voting_round.status != VotingRound.Status.DRAFT:
        raise ValidationError(_("Only a round being prepared can be opened."))
    voting_round.status, voting_round.opened_at = (
        VotingRound.Status.OPEN,
        timezone.now(),
    )
    voting_round.save(update_fields=["status", "opened_at"])
    audit_record(actor=actor, action="round.open", obj=voting_round)
    return voting_round


def _receipt() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


@transaction.atomic
def ballot_cast(*, voting_round: VotingRound, actor: User, choices: list[int]) -> str:
    """Cast the actor's board's ballot; return its receipt code.

    Who voted and what was voted go to two tables that share nothing but the
    round; the round row is locked so that casts are counted one at a time,
    and the unique (round, board) of BallotCast refuses a second ballot even
    from a request that slipped past every check above it.
    """
    voting_round = _lock_round(voting_round)
    if not can_vote(actor, voting_round):
        raise PermissionDenied
    if voting_round.status != VotingRound.Status.OPEN:
        raise ValidationError(_("This round is not open for voting."))
    if BallotCast.objects.filter(round=voting_round, board=actor.board_id).exists():
        raise ValidationError(_("Your board has already voted in this round."))
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
            BallotCast.objects.create(
                round=voting_round,
                board_id=actor.board_id,
                cast_by=actor,
                cast_at=timezone.now(),
            )
    except IntegrityError as error:
        raise ValidationError(
            _("Your board has already voted in this round.")
        ) from error
    receipt = _receipt()
    Ballot.objects.create(round=voting_round, receipt=receipt, choices=choices)
    # The audit trail records that the board voted, never for whom.
    audit_record(
        actor=actor,
        action="ballot.cast",
        obj=voting_round,
        changes={"board": actor.board.short_name},
    )
    return receipt


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


@transaction.atomic
def round_close(*, voting_round: VotingRound, actor: User | None) -> tally.Decision:
    """Close the round, count, decide by its rules and record the result;
    an election fills next year's head or deputy."""
    voting_round = _lock_round(voting_round)
    _require(actor, voting_round.bloc_year)
    if voting_round.status != VotingRound.Status.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    bloc_year = voting_round.bloc_year
    votes, cast, valid = round_count(voting_round)
    base = (
        voting_round.present
        if voting_round.quorum_base == VotingRound.QuorumBase.PRESENT
        else bloc_year.memberships.count()
    ) or 0
    scores = {s.board_id: s for s in Score.objects.filter(bloc_year=bloc_year)}
    candidates = list(voting_round.candidates.all())
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
    Candidate.objects.bulk_update(
        candidates, ["votes", "share", "score_rank", "score_total", "elected"]
    )
    _shuffle_ballots(voting_round)
    voting_round.status, voting_round.closed_at = (
        VotingRound.Status.CLOSED,
        timezone.now(),
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
    return decision


def _shuffle_ballots(voting_round: VotingRound) -> None:
    """Rewrite the round's ballots in random order, in this one transaction:
    even someone reading the database files cannot then line ballots up with
    the voters by insertion order or by the inserting transaction."""
    ballots = list(Ballot.objects.filter(round=voting_round))
    random.SystemRandom().shuffle(ballots)
    Ballot.objects.filter(round=voting_round).delete()
    Ballot.objects.bulk_create(
        Ballot(round=voting_round, receipt=b.receipt, choices=b.choices)
        for b in ballots
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


def ballots_published(voting_round: VotingRound) -> list[Ballot]:
    """The counted ballots (receipt and choices), once the round is closed."""
    if not VotingRound.objects.filter(
        pk=voting_round.pk, status=VotingRound.Status.CLOSED
    ).exists():
        return []
    return list(Ballot.objects.filter(round=voting_round).order_by("receipt"))
