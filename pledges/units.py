"""Units of measure: the one table of dimensions, units and factors.

An indicator has a dimension (money, count, area…) and a unit; a figure may
be entered in any unit of the same dimension and is converted here, exactly
(Decimal arithmetic, no float), to the indicator's unit. Money between VND
and USD converts only with the year's exchange rate (VND per USD), which the
secretariat sets; without it a conversion is refused, never guessed.

Pure arithmetic, no ORM: tested without a database (tests/pledges/test_units.py).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from django.db import models
from django.utils.translation import gettext_lazy as _

# Stored figures keep 4 decimals (pledges.models.DECIMAL_PLACES): a value
# converted with an exchange rate is rounded half up to them; the figure as
# typed is kept beside it, so nothing of what a board wrote is lost.
STORED_PLACES = Decimal("0.0001")
USD, VND = "USD", "VND"


class Dimension(models.TextChoices):
    MONEY = "money", _("money")
    COUNT = "count", _("count")
    AREA = "area", _("area")
    PERCENT = "percent", _("percent")
    PEOPLE = "people", _("people")
    YES_NO = "yes_no", _("yes/no")
    NONE = "none", _("no unit (text)")


class Unit(models.TextChoices):
    PROJECTS = "projects", _("projects")
    MILLION_USD = "million_usd", _("million USD")
    BILLION_USD = "billion_usd", _("billion USD")
    MILLION_VND = "million_vnd", _("million VND")
    BILLION_VND = "billion_vnd", _("billion VND")
    PERSONS = "persons", _("persons")
    HECTARES = "ha", _("ha")
    SQUARE_KM = "km2", _("km²")
    PERCENT = "percent", _("%")
    COUNT = "count", _("count")
    NONE = "none", _("(no unit)")


@dataclass(frozen=True)
class UnitSpec:
    dimension: str
    # How many of the dimension's base unit one of this unit is: USD or VND
    # for money (the currency says which), hectares for area, 1 otherwise.
    factor: Decimal
    currency: str = ""
    # What a spreadsheet's unit column may say besides the code and the
    # labels, lower case (labels are matched in Vietnamese and English).
    aliases: tuple[str, ...] = ()


D = Dimension
UNITS: dict[str, UnitSpec] = {
    Unit.PROJECTS: UnitSpec(D.COUNT, Decimal(1), aliases=("dự án",)),
    Unit.COUNT: UnitSpec(D.COUNT, Decimal(1), aliases=("số lượng",)),
    Unit.MILLION_USD: UnitSpec(
        D.MONEY, Decimal("1e6"), USD, ("triệu usd", "tr usd", "triệu đô la mỹ")
    ),
    Unit.BILLION_USD: UnitSpec(D.MONEY, Decimal("1e9"), USD, ("tỷ usd", "tỉ usd")),
    Unit.MILLION_VND: UnitSpec(
        D.MONEY, Decimal("1e6"), VND, ("triệu đồng", "tr đồng", "triệu vnd")
    ),
    Unit.BILLION_VND: UnitSpec(
        D.MONEY, Decimal("1e9"), VND, ("tỷ đồng", "tỉ đồng", "tỷ vnd", "tỉ vnd")
    ),
    Unit.PERSONS: UnitSpec(D.PEOPLE, Decimal(1), aliases=("người", "lao động")),
    Unit.HECTARES: UnitSpec(D.AREA, Decimal(1), aliases=("héc-ta", "hecta")),
    Unit.SQUARE_KM: UnitSpec(D.AREA, Decimal(100), aliases=("km2",)),
    Unit.PERCENT: UnitSpec(D.PERCENT, Decimal(1), aliases=("phần trăm",)),
    Unit.NONE: UnitSpec(D.YES_NO, Decimal(1)),
}


class ConversionError(Exception):
    """A figure cannot be brought to the indicator's unit; ``code`` says why
    ("incompatible" or "no_rate"), for the caller to word."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def dimension_of(unit: str, *, kind: str = "") -> str:
    """The dimension of a unit; a unitless indicator is yes/no when it is
    answered yes or no, else a text answer."""
    if unit == Unit.NONE and kind and kind != "boolean":
        return D.NONE
    return UNITS[unit].dimension


def compatible(unit: str) -> list[str]:
    """The units a figure of an indicator in ``unit`` may be entered in, the
    indicator's own first."""
    own = UNITS[unit]
    if own.dimension in (D.YES_NO, D.NONE):
        return [unit]
    # A unit that only renames the indicator's (projects for count) is no
    # choice worth offering.
    return [unit] + [
        str(code)
        for code, spec in UNITS.items()
        if spec.dimension == own.dimension
        and (spec.factor, spec.currency) != (own.factor, own.currency)
    ]


def units_of(dimension: str) -> list[str]:
    if dimension == D.NONE:
        return [Unit.NONE]
    return [code for code, spec in UNITS.items() if spec.dimension == dimension]


def needs_rate(source: str, target: str) -> bool:
    return UNITS[source].currency != UNITS[target].currency


def convert(
    number: Decimal, *, source: str, target: str, vnd_per_usd: Decimal | None = None
) -> Decimal:
    """``number`` in ``source`` as a figure in ``target``. Within a currency
    or for area the factors are powers of ten, so the result is exact;
    across currencies it goes through the rate and is rounded half up to the
    stored 4 decimals. Raises ConversionError."""
    if source == target:
        return number
    from_spec, to_spec = UNITS[source], UNITS[target]
    if from_spec.dimension != to_spec.dimension or from_spec.dimension in (
        D.YES_NO,
        D.NONE,
    ):
        raise ConversionError("incompatible")
    # Enough digits that nothing is rounded before the one final rounding:
    # 16 integer digits x factors up to 1e9 x a rate of 6 digits.
    with localcontext() as ctx:
        ctx.prec = 60
        base = number * from_spec.factor
        if from_spec.currency != to_spec.currency:
            if vnd_per_usd is None or vnd_per_usd <= 0:
                raise ConversionError("no_rate")
            if from_spec.currency == VND:
                base = base / vnd_per_usd
            else:
                base = base * vnd_per_usd
        result = base / to_spec.factor
        return result.quantize(STORED_PLACES, rounding=ROUND_HALF_UP)


def unit_lookup(text: str) -> str | None:
    """The unit a spreadsheet cell names: its code, its label in Vietnamese
    or English, or a common spelling ("tỷ đồng", "triệu USD"); None when
    none matches. Blank is None too (the caller decides what blank means)."""
    from django.utils import translation

    key = " ".join(str(text).split()).lower()
    if not key:
        return None
    for code, spec in UNITS.items():
        if key == code or key in spec.aliases:
            return code
    for language in ("vi", "en"):
        with translation.override(language):
            for code, label in Unit.choices:
                if key == str(label).lower():
                    return code
    return None
