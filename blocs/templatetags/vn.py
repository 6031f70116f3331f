"""Number display in the user's language: 2.470,7 in Vietnamese, 2,470.7 in
English; stored trailing zeros dropped (2470.7000 shows as 2.470,7)."""

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def num(value, places=None):
    """``{{ value|num }}`` keeps significant decimals; ``{{ value|num:2 }}``
    rounds half up to two places (number_format alone would truncate)."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-int(places)))
    elif number == number.to_integral():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return formats.number_format(number, use_l10n=True, force_grouping=True)


@register.filter
def figure(value, kind=None):
    """An indicator's figure as its kind writes it: ``{{ v.actual|figure:
    v.indicator.kind }}``. Whole numbers without decimals (10, not 10,0000),
    yes/no as words, nothing entered as "—"; ``kind`` is the indicator's
    ``Kind`` value ("integer", "decimal", "boolean"), a plain string so that
    the foundation need not know the catalogue."""
    if value is None or value == "":
        return "—"
    if kind == "boolean":
        return _("Yes") if Decimal(value) else _("No")
    if kind == "integer":
        return num(value, 0)
    return num(value)


def cell(value, *, column: str = "") -> str:
    """A spreadsheet cell read back to the user as it was in the file: an
    empty cell stays empty (never "None"), a year is a label (2019, never
    2.019), any other number in the user's language."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if column == "year":
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    if isinstance(value, int | float | Decimal):
        try:
            return num(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
    return str(value)


@register.filter
def cells(values, columns):
    """``{% for c in row.values|cells:result.diff_headers %}``: each cell of
    an imported row by ``cell``, next to its column's name."""
    return [cell(v, column=str(c)) for v, c in zip(values, columns, strict=False)]
