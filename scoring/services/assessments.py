"""Points given by hand: a board's self-assessment and the bloc's final one."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from blocs.models import Board, User
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


def assessment_stamp(assessment: Assessment | None) -> str:
    """When a bloc assessment was last written: a stale matrix is detected by
    comparing the stamp seen on the page with the stored one."""
    return "" if assessment is None else assessment.at.isoformat()


@dataclass(frozen=True)
class MatrixCell:
    """One cell of the bloc's assessment matrix as entered: points (None:
    left empty), comment, and the stamp of the stored assessment seen when
    the page was shown."""

    board: Board
    criterion: Criterion
    points: Decimal | None
    comment: str
    seen: str


class AssessmentMatrixRefused(ValidationError):
    """Some cells were refused, so none was saved; ``cells`` lists each
    refused cell with its messages."""

    def __init__(self, cells: list[tuple[MatrixCell, list[str]]]):
        super().__init__([m for _cell, messages in cells for m in messages])
        self.cells = cells


def _matrix_cell_save(
    cell: MatrixCell, stored: Assessment | None, actor: User
) -> bool | list[str]:
    """True when saved, False when unchanged, else the refusal's messages."""
    if cell.points is None:
        if stored is not None:
            return [_("A given assessment cannot be removed: give 0 points.")]
        if cell.comment:
            return [_("Give the points that go with the comment.")]
        return False
    if (
        stored is not None
        and stored.points == cell.points
        and stored.comment == cell.comment
    ):
        return False
    if cell.seen != assessment_stamp(stored):
        return [_("Someone changed this cell after you opened the page: reload.")]
    try:
        assessment_set(
            criterion=cell.criterion,
            board_id=cell.board.pk,
            source=Assessment.Source.BLOC,
            points=cell.points,
            comment=cell.comment,
            actor=actor,
            recompute=False,  # once for the whole matrix
        )
    except ValidationError as error:
        return [str(m) for m in error.messages]
    return True


@transaction.atomic
def assessment_matrix_save(
    *, scale: ScoringScale, cells: list[MatrixCell], actor: User
) -> int:
    """Save every changed cell of the bloc's assessment matrix, or none: a
    refused cell (a removal, a comment without points, a cell changed by
    someone else since the page was shown, points the criterion refuses)
    raises AssessmentMatrixRefused listing them all. Each saved cell is
    audited by assessment_set; the scores are recomputed once. Returns how
    many cells were saved."""
    if not can_run_scoring(actor, scale.bloc_year):
        raise PermissionDenied
    current = {
        (a.board_id, a.criterion_id): a
        for a in Assessment.objects.select_for_update(of=("self",)).filter(
            criterion__scale=scale, source=Assessment.Source.BLOC
        )
    }
    saved, refused = 0, []
    for cell in cells:
        stored = current.get((cell.board.pk, cell.criterion.pk))
        result = _matrix_cell_save(cell, stored, actor)
        if result is True:
            saved += 1
        elif result:
            refused.append((cell, result))
    if refused:
        raise AssessmentMatrixRefused(refused)
    if saved:
        scores_compute(bloc_year=scale.bloc_year, actor=None)
    return saved


class SelfAssessmentRefused(ValidationError):
    """A criterion of a self-assessment was refused, so nothing was saved;
    ``criterion`` is the one refused."""

    def __init__(self, criterion: Criterion, messages: list[str]):
        super().__init__(messages)
        self.criterion = criterion


@transaction.atomic
def self_assessment_save(
    *, changes: list[tuple[Criterion, Decimal, str]], actor: User
) -> int:
    """A board's own points and comments for the criteria it changed, all or
    nothing (SelfAssessmentRefused names the criterion refused); the scores
    are recomputed once. Returns how many criteria were saved."""
    for criterion, points, comment in changes:
        try:
            assessment_set(
                criterion=criterion,
                board_id=actor.board_id,
                source=Assessment.Source.SELF,
                points=points,
                comment=comment,
                actor=actor,
                recompute=False,
            )
        except ValidationError as error:
            raise SelfAssessmentRefused(criterion, error.messages) from error
    if changes:
        scores_compute(bloc_year=changes[0][0].scale.bloc_year, actor=None)
    return len(changes)
