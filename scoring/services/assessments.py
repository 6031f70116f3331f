"""Points given by hand: a board's self-assessment and the bloc's final one."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from blocs.models import User
from blocs.services import audit_record
from blocs.templatetags.vn import num
from scoring.models import Assessment, Criterion, ScoringScale
from scoring.permissions import can_run_scoring, can_self_assess
from scoring.services.scores import scores_compute


def assessment_build(
    *,
    criterion: Criterion,
    board_id: int,
    source: str,
    points: Decimal,
    comment: str,
    by: User | None,
) -> Assessment:
    """A board's unsaved points for a criterion given by hand (its own or
    the bloc's). Public for generators that insert many at once; the checks
    are ``assessment_set``'s."""
    return Assessment(
        criterion=criterion,
        board_id=board_id,
        source=source,
        points=points,
        comment=comment,
        by=by,
    )


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
    )
    old = None if assessment is None else str(assessment.points)
    if assessment is None:
        assessment = assessment_build(
            criterion=criterion,
            board_id=board_id,
            source=source,
            points=points,
            comment=comment,
            by=actor,
        )
    else:
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
