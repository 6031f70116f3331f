"""Figures entered in another unit than the indicator's, and the year's
exchange rate that converts money between VND and USD.

``figure_convert`` is the one conversion the board's form and the import
share; ``exchange_rate_set`` the one way the secretariat sets a rate."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.models import BlocYear, User
from blocs.services import audit_record
from pledges import units
from pledges.models import ExchangeRate, Indicator, Submission, Value
from pledges.permissions import can_manage_year

S = Submission.Status
CONVERTED_FIELDS = ("plan", "actual")


def exchange_rate_of(bloc_year: BlocYear) -> Decimal | None:
    """The year's VND per USD, or None when the secretariat has set none."""
    return (
        ExchangeRate.objects.filter(bloc_year=bloc_year)
        .values_list("vnd_per_usd", flat=True)
        .first()
    )


def figure_convert(
    *,
    indicator: Indicator,
    number: Decimal,
    unit: str,
    rate: Decimal | None,
    year: int,
) -> Decimal:
    """``number`` typed in ``unit`` as a figure in the indicator's unit;
    refused, with what to do, when the units differ in kind or when money
    crosses VND and USD without the year's rate."""
    if unit not in units.UNITS:
        raise ValidationError(
            _("“%(unit)s” is not a unit the portal knows."), params={"unit": unit}
        )
    try:
        return units.convert(
            number, source=unit, target=indicator.unit, vnd_per_usd=rate
        )
    except units.ConversionError as error:
        params = {
            "name": indicator.name,
            "unit": units.Unit(unit).label,
            "target": units.Unit(indicator.unit).label,
            "year": year,
        }
        if error.code == "no_rate":
            raise ValidationError(
                _(
                    "%(name)s is counted in %(target)s: a figure in %(unit)s "
                    "needs the exchange rate of %(year)s, which the secretariat "
                    "has not set yet. Enter it in %(target)s, or ask the "
                    "secretariat to set the rate."
                ),
                params=params,
                code="no_rate",
            ) from error
        raise ValidationError(
            _("%(name)s is counted in %(target)s: it cannot be given in %(unit)s."),
            params=params,
            code="incompatible",
        ) from error


def _crosses_currency() -> Q:
    """Values with a figure typed in the other currency than the indicator's."""
    usd = [u for u, s in units.UNITS.items() if s.currency == units.USD]
    vnd = [u for u, s in units.UNITS.items() if s.currency == units.VND]
    query = Q()
    for field in CONVERTED_FIELDS:
        unit = f"{field}_entered_unit"
        query |= Q(indicator__unit__in=usd, **{f"{unit}__in": vnd})
        query |= Q(indicator__unit__in=vnd, **{f"{unit}__in": usd})
    return query


def _converted_values(bloc_year: BlocYear, *, lock: bool = False) -> list[Value]:
    values = Value.objects.filter(_crosses_currency(), submission__bloc_year=bloc_year)
    if lock:
        values = values.select_for_update(of=("self",))
    return list(values.select_related("indicator", "submission__board").order_by("pk"))


def exchange_rate_check(
    *,
    bloc_year: BlocYear,
    vnd_per_usd: Decimal,
    converted: list[Value] | None = None,
) -> None:
    """Why the year's rate cannot be set to ``vnd_per_usd`` now, as a
    ValidationError (the admin's form shows it; the service enforces it):
    a closed year's rate is fixed, and a rate that converted figures of a
    submitted or approved report changes only once they are returned or
    reopened (their reviewer saw the old figures)."""
    if bloc_year.status == BlocYear.Status.CLOSED:
        raise ValidationError(
            _("The year %(year)s is closed: its exchange rate can no longer change."),
            params={"year": bloc_year.year},
        )
    current = exchange_rate_of(bloc_year)
    if current is None or current == vnd_per_usd:
        return
    if converted is None:
        converted = _converted_values(bloc_year)
    locked = sorted(
        {
            v.submission.board.short_name
            for v in converted
            if v.submission.status in (S.SUBMITTED, S.APPROVED)
        }
    )
    if locked:
        raise ValidationError(
            _(
                "Figures of %(boards)s were converted with the current rate and "
                "are submitted or approved: return or reopen those reports "
                "before changing the rate."
            ),
            params={"boards": ", ".join(locked)},
        )


@transaction.atomic
def exchange_rate_set(
    *, bloc_year: BlocYear, vnd_per_usd: Decimal, source: str, actor: User
) -> ExchangeRate:
    """Set or change the year's rate (VND per USD), while the year is open.
    Figures already converted with the old rate are converted again from
    what was typed; refused while such a figure is in a report submitted or
    approved (its reviewer saw the old figure: return or reopen it first)."""
    bloc_year = BlocYear.objects.select_for_update().get(pk=bloc_year.pk)
    if bloc_year.status == BlocYear.Status.CLOSED:
        exchange_rate_check(bloc_year=bloc_year, vnd_per_usd=vnd_per_usd)
    if not can_manage_year(actor, bloc_year):
        raise PermissionDenied
    rate = ExchangeRate.objects.filter(bloc_year=bloc_year).first()
    old = (rate.vnd_per_usd, rate.source) if rate else (None, "")
    if rate is None:
        rate = ExchangeRate(bloc_year=bloc_year)
    rate.vnd_per_usd, rate.source = vnd_per_usd, source.strip()
    rate.set_by, rate.set_at = actor, timezone.now()
    rate.full_clean()
    converted = _converted_values(bloc_year, lock=True)
    exchange_rate_check(
        bloc_year=bloc_year, vnd_per_usd=vnd_per_usd, converted=converted
    )
    rate.save()
    changes: dict = {}
    if old[0] != vnd_per_usd:
        changes["vnd_per_usd"] = [
            None if old[0] is None else str(old[0]),
            str(vnd_per_usd),
        ]
    if old[1] != rate.source:
        changes["source"] = [old[1], rate.source]
    reconverted = {}
    for value in converted:
        for field in CONVERTED_FIELDS:
            entered = getattr(value, f"{field}_entered")
            unit = getattr(value, f"{field}_entered_unit")
            if entered is None or not unit:
                continue
            new = units.convert(
                entered,
                source=unit,
                target=value.indicator.unit,
                vnd_per_usd=vnd_per_usd,
            )
            if new != getattr(value, field):
                key = f"{value.submission.board.short_name}/{value.indicator.code}"
                reconverted.setdefault(key, {})[field] = [
                    str(getattr(value, field)),
                    str(new),
                ]
                setattr(value, field, new)
    if reconverted:
        Value.objects.bulk_update(converted, list(CONVERTED_FIELDS))
        # The boards' open forms notice that their figures changed.
        Submission.objects.filter(pk__in={v.submission_id for v in converted}).update(
            version=F("version") + 1
        )
        changes["reconverted"] = reconverted
    if changes:
        audit_record(actor=actor, action="exchange_rate.set", obj=rate, changes=changes)
    return rate
