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
