"""Figures that are probably in the wrong unit: far from the board's own
last year or from the bloc's other boards (pledges/calc.py ``outliers``).
The board confirms each with a note before submitting; the secretariat
confirms each when approving; totals that include one say so."""

from django.utils.translation import gettext as _

from blocs.templatetags.vn import num
from pledges import calc
from pledges.models import Submission, Value


def submission_outliers(
    submission: Submission, last_year: calc.Figures
) -> list[calc.Outlier]:
    """The submission's current figures that are ``calc.OUTLIER_FACTOR``
    times or more away from the board's ``last_year`` (its approved figures
    by code) or the bloc's median."""
    actual, peers = {}, {}
    rows = (
        Value.objects.filter(
            submission__bloc_year=submission.bloc_year_id,
            actual__isnull=False,
            indicator__kind__in=["integer", "decimal"],
        )
        .order_by()  # unordered: the default order joins four more tables
        .values_list("submission_id", "indicator__code", "actual")
    )
    for submission_id, code, value in rows:
        if submission_id == submission.pk:
            actual[code] = value
        else:
            peers.setdefault(code, []).append(value)
    return calc.outliers(actual, last_year, peers)


def outlier_message(outlier: calc.Outlier, name: str) -> str:
    """What the board and the secretariat read about one unusual figure."""
    params = {
        "indicator": name,
        "value": num(outlier.value),
        "reference": num(outlier.reference),
    }
    if outlier.basis == "history":
        text = _(
            "%(indicator)s: %(value)s is a hundred times or more away from "
            "last year's %(reference)s: check the unit of measure."
        )
    else:
        text = _(
            "%(indicator)s: %(value)s is a hundred times or more away from the "
            "median of the bloc's other boards, %(reference)s: check the unit "
            "of measure."
        )
    return text % params
