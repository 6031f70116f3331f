"""Scores: computed from approved figures and the assessments, then stored."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import BlocYear, Membership, User
from pledges.models import Submission, Value
from scoring import rules
from scoring.models import Assessment, Score, ScoringScale
from scoring.services.common import _require


def criterion_specs(scale: ScoringScale) -> list[rules.CriterionSpec]:
    """The scale's criteria as the pure scoring rules take them."""
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
    specs = criterion_specs(scale)
    members = list(
        Membership.objects.filter(bloc_year=bloc_year).select_related("board")
    )
    actual: dict[int, dict] = defaultdict(dict)
    plan: dict[int, dict] = defaultdict(dict)
    for board_id, code, a, p in Value.objects.filter(
        submission__bloc_year=bloc_year, submission__status=Submission.Status.APPROVED
    ).values_list("submission__board_id", "indicator__code", "actual", "plan"):
        actual[board_id][code], plan[board_id][code] = a, p
    assessed: dict[int, dict] = defaultdict(dict)
    for a in Assessment.objects.filter(criterion__scale=scale).select_related(
        "criterion"
    ):
        slot = assessed[a.board_id]
        # The bloc's assessment is final; a self-assessment counts until then.
        if a.source == Assessment.Source.BLOC or a.criterion.code not in slot:
            slot[a.criterion.code] = (a.points, a.source, a.comment)
    return board_scores_rank(
        specs=specs,
        boards=[(m.board_id, m.board.short_name) for m in members],
        actual=actual,
        plan=plan,
        assessed=assessed,
    )


def board_scores_rank(
    *,
    specs: list[rules.CriterionSpec],
    boards: list[tuple[int, str]],
    actual: dict[int, dict],
    plan: dict[int, dict],
    assessed: dict[int, dict],
) -> list[rules.BoardScore]:
    """Score and rank the member ``boards`` ((id, short name) pairs) from
    their figures and final assessments, already read: the best actual of
    each scored indicator is the yardstick. ``score_boards`` reads the rows
    and calls it; a generator holding the figures in memory calls it too."""
    best = {
        s.indicator: max(
            (actual[board_id].get(s.indicator) or Decimal(0) for board_id, _ in boards),
            default=None,
        )
        for s in specs
        if s.indicator
    }
    scores = [
        rules.score_board(
            specs,
            board_id,
            short_name,
            actual[board_id],
            plan[board_id],
            best,
            assessed[board_id],
        )
        for board_id, short_name in boards
    ]
    first_group = next((s.code for s in specs if s.kind == "group"), None)
    return rules.rank(scores, first_group)


def score_build(
    *, bloc_year: BlocYear, computed: rules.BoardScore, computed_at
) -> Score:
    """A board's unsaved score row from its computed score."""
    score = Score(bloc_year=bloc_year, board_id=computed.board_id)
    score_fill(score, computed=computed, computed_at=computed_at)
    return score


def score_fill(score: Score, *, computed: rules.BoardScore, computed_at) -> None:
    """Copy a computed score onto a (new or stored) score row."""
    score.total, score.rank, score.computed_at = (
        computed.total,
        computed.rank,
        computed_at,
    )
    score.lines = [ln.as_json() for ln in computed.lines]


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
        score = existing.get(s.board_id)
        if score is None:
            score = score_build(bloc_year=bloc_year, computed=s, computed_at=now)
        else:
            score_fill(score, computed=s, computed_at=now)
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
