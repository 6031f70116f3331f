"""Number display in the user's language: 2.470,7 in Vietnamese, 2,470.7 in
English; stored trailing zeros dropped (2470.7000 shows as 2.470,7)."""

from decimal import Decimal

from django import template
from django.utils import formats

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
