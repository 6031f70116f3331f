"""The secretariat's spreadsheet import: how a cell becomes a number, which
rows a user may import, and the one audited write of a whole file.

The admin's import (``pledges/importexport.py``) checks every row with these
functions for its preview, and hands the confirmed changes to
``values_import`` in one transaction: nothing is written row by row.
"""

import math
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from blocs.models import BlocYear, User
from blocs.permissions import is_secretariat
from blocs.services import audit_record
from pledges.models import DECIMAL_PLACES, Indicator, Submission, Value
from pledges.permissions import can_review_submission
from pledges.services.reporting import _check_range, _fmt

S = Submission.Status
K = Indicator.Kind
IMPORTED_FIELDS = ("plan", "actual")

# The only text a number cell may hold: a dot for decimals, no grouping.
MACHINE_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# 2.470,7 or 1.229: a Vietnamese-formatted number, which a machine would
# read a thousand times too small (1.229 is 1229 to the secretariat).
LOCAL_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
# A spreadsheet shows at most 15 significant digits of a float cell.
FLOAT_DIGITS = 15


def number_parse(raw) -> Decimal | None:
    """A spreadsheet cell as a number: blank is None; a number cell (XLSX)
    as shown by the spreadsheet; text only in machine format (2470.7)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationError(
            _("“%(value)s” is not a number. Write numbers like 2470.7."),
            params={"value": raw},
            code="invalid",
        )
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValidationError(
                _("“%(value)s” is not a number. Write numbers like 2470.7."),
                params={"value": raw},
                code="invalid",
            )
        number = Decimal(format(raw, f".{FLOAT_DIGITS}g"))
    elif isinstance(raw, Decimal):
        number = raw
    else:
        text = str(raw).strip()
        if "," in text or LOCAL_NUMBER.match(text):
            raise ValidationError(
                _(
                    "“%(value)s” looks like a number written the Vietnamese way. "
                    "Write it with a dot for decimals and no thousands separator, "
                    "e.g. 2470.7 (a value with three decimals gets a fourth zero: "
                    "12.3450)."
                ),
                params={"value": text},
                code="local_format",
            )
        if not MACHINE_NUMBER.match(text):
            raise ValidationError(
                _("“%(value)s” is not a number. Write numbers like 2470.7."),
                params={"value": text},
                code="invalid",
            )
        try:
            number = Decimal(text)
        except InvalidOperation as error:  # pragma: no cover - the regex forbids it
            raise ValidationError(
                _("“%(value)s” is not a number. Write numbers like 2470.7."),
                params={"value": text},
                code="invalid",
            ) from error
    if number.normalize().as_tuple().exponent < -DECIMAL_PLACES:
        raise ValidationError(
            _("“%(value)s” has more than %(places)s decimals."),
            params={"value": raw, "places": DECIMAL_PLACES},
            code="decimals",
        )
    return number


def number_text(number: Decimal) -> str:
    """A number as machine text that ``number_parse`` reads back exactly:
    2470.7, never 2470.7000 or 2.47E+3; 12.345 becomes 12.3450 so that it
    cannot be taken for Vietnamese grouping."""
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number
    text = format(number.normalize(), "f")
    return text + "0" if LOCAL_NUMBER.match(text) else text


def number_is_float_safe(number: Decimal) -> bool:
    """Whether a spreadsheet number cell keeps this value exactly."""
    return Decimal(format(float(number), f".{FLOAT_DIGITS}g")) == number


def value_check(*, indicator: Indicator, field: str, number: Decimal | None) -> None:
    """The rules of the board's form for one imported plan or actual."""
    if number is None:
        return
    name = indicator.name
    if field == "plan" and not indicator.has_plan:
        raise ValidationError(
            _("%(name)s has no plan: leave the plan empty."), params={"name": name}
        )
    if indicator.kind == K.TEXT:
        raise ValidationError(
            _("%(name)s is answered in words, not with a number: leave it empty."),
            params={"name": name},
        )
    if indicator.kind == K.BOOLEAN and number not in (0, 1):
        raise ValidationError(
            _("%(name)s is answered yes or no: write 1 for yes, 0 for no."),
            params={"name": name},
        )
    if indicator.kind == K.INTEGER and number != number.to_integral_value():
        raise ValidationError(
            _("%(name)s is counted in whole numbers."), params={"name": name}
        )
    _check_range(indicator, number)


def submission_in_import_scope(actor: User | None, submission: Submission) -> bool:
    """``can_review_submission`` without its closed-year rule: a row of a
    closed year that changes nothing is harmless, and a changed one gets
    the clearer message of ``submission_import_check``."""
    if actor is None or not actor.is_authenticated:
        return False
    return actor.is_superuser or (
        is_secretariat(actor) and submission.bloc_year.bloc_id == actor.bloc_id
    )


def submission_import_check(*, actor: User | None, submission: Submission) -> None:
    """Refuse an import that would change this report, with what to do."""
    bloc_year = submission.bloc_year
    if bloc_year.status == BlocYear.Status.CLOSED:
        raise ValidationError(
            _("The year %(year)s is closed: its data can no longer change."),
            params={"year": bloc_year.year},
        )
    if actor is None or not can_review_submission(actor, submission):
        raise ValidationError(
            _(
                "You may only import into the reports of your own bloc: "
                "%(bloc_year)s is not yours."
            ),
            params={"bloc_year": str(bloc_year)},
        )
    if submission.status == S.APPROVED:
        raise ValidationError(
            _(
                "The report of %(board)s is approved: reopen it for the board "
                "before importing new figures."
            ),
            params={"board": submission.board.short_name},
        )
    if submission.status == S.SUBMITTED:
        raise ValidationError(
            _(
                "The report of %(board)s is submitted and waiting for review: "
                "return it for correction before importing new figures."
            ),
            params={"board": submission.board.short_name},
        )


@transaction.atomic
def values_import(
    *, changes: dict[int, dict[str, Decimal | None]], actor: User
) -> list[Submission]:
    """Write the plans and actuals of an import, given as {value id: {"plan"
    or "actual": number or None}}, all or nothing. Each changed report gets
    its version bumped (so a board's open form notices) and one audit event
    {indicator code: {field: [old, new]}}. Returns the changed reports."""
    values = list(
        Value.objects.filter(pk__in=list(changes)).select_related("indicator")
    )
    if len(values) != len(changes):
        raise ValidationError(
            _("Some reports changed while you were importing: import the file again.")
        )
    submissions = {
        sub.pk: sub
        for sub in Submission.objects.select_for_update(of=("self",))
        .select_related("bloc_year__bloc", "board")
        .filter(pk__in={v.submission_id for v in values})
        .order_by("pk")
    }
    by_submission: dict[int, dict[str, dict]] = defaultdict(dict)
    changed = []
    for value in values:
        row: dict[str, list] = {}
        for field, new in changes[value.pk].items():
            if field not in IMPORTED_FIELDS:
                raise ValueError(field)
            old = getattr(value, field)
            if old == new:
                continue
            value_check(indicator=value.indicator, field=field, number=new)
            setattr(value, field, new)
            row[field] = [_fmt(old), _fmt(new)]
        if row:
            submission_import_check(
                actor=actor, submission=submissions[value.submission_id]
            )
            value.full_clean(exclude=["submission", "indicator"])
            by_submission[value.submission_id][value.indicator.code] = row
            changed.append(value)
    Value.objects.bulk_update(changed, list(IMPORTED_FIELDS), batch_size=500)
    done = []
    for sub_id, sub_changes in by_submission.items():
        sub = submissions[sub_id]
        sub.version += 1
        sub.full_clean()
        sub.save()
        audit_record(
            actor=actor, action="submission.import", obj=sub, changes=sub_changes
        )
        done.append(sub)
    return done
