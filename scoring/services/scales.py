"""The year's scoring scale: created from last year's or the default, then frozen."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from blocs.models import BlocYear, User
from blocs.services import audit_record
from scoring import defaults
from scoring.models import Criterion, ScoringScale
from scoring.services.common import _require
from scoring.services.scores import scores_compute

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


def scale_build(*, bloc_year: BlocYear, title: str = "", **fields) -> ScoringScale:
    """The year's unsaved scale, titled by default after its year."""
    return ScoringScale(
        bloc_year=bloc_year,
        title=title or _("Scoring scale %(year)s") % {"year": bloc_year.year},
        **fields,
    )


@transaction.atomic
def scale_create(*, bloc_year: BlocYear, actor: User | None) -> ScoringScale:
    """The year's scale: a copy of the bloc's latest earlier scale, else the
    default one (scoring/defaults.py)."""
    _require(actor, bloc_year)
    if ScoringScale.objects.filter(bloc_year=bloc_year).exists():
        raise ValidationError(_("This year already has a scoring scale."))
    scale = scale_build(bloc_year=bloc_year)
    scale.save()
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
        criteria_create_default(scale)
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


def criteria_create_default(scale: ScoringScale) -> dict[str, Criterion]:
    """The default criteria (``scoring.defaults``) on a new scale, by code."""
    made: dict[str, Criterion] = {}
    for i, (code, name, kind, points, parent, indicator) in enumerate(
        defaults.CRITERIA
    ):
        # One by one: children need their parent's id.
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
    return made
