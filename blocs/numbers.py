"""Reading numbers as people type them: one strict parser per language.

Vietnamese writes 2.470,7 and English 2,470.7. Django's localized fields drop
every thousands separator before reading the rest, so in English "2,5" became
25 and "1,2,3" 123, in Vietnamese "1.2.3" became 123, and Python's ``Decimal``
took "1_000" as 1000. Here a number is accepted only when it is well formed
in the user's language: an optional sign, digits either ungrouped or in
groups of exactly three, at most one decimal separator followed by digits.
Anything else is refused with the expected format and an example; a number
that would be well formed with the separators swapped ("2,5" in English) is
refused with that suggestion ("2.5"), never read as something else.

Plain functions over strings and ``Decimal``s, tested without a database;
``active_style`` alone asks Django for the active language's separators.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

# Longer input is no number anyone types; refusing it early keeps the regular
# expression and Decimal() away from megabytes of digits.
MAX_LENGTH = 64
# Decimal's default precision: a number with more digits would be rounded by
# the first sum it takes part in.
MAX_DIGITS = 28
EXAMPLE, WHOLE_EXAMPLE = Decimal("2470.7"), Decimal(2470)


@dataclass(frozen=True)
class NumberStyle:
    """How a language writes numbers: its decimal and thousands separators."""

    decimal: str
    thousand: str

    def __post_init__(self):
        if not self.decimal or self.decimal == self.thousand:
            raise ValueError("a number style needs two distinct separators")

    @property
    def pattern(self) -> re.Pattern:
        return _pattern(self.decimal, self.thousand)

    @property
    def swapped(self) -> "NumberStyle":
        return NumberStyle(decimal=self.thousand, thousand=self.decimal)

    def write(self, number: Decimal) -> str:
        """``number`` grouped in threes with this style's separators, its
        digits as stored (2470.7 → "2.470,7" in Vietnamese)."""
        text = format(abs(number), "f")
        whole, _sep, fraction = text.partition(".")
        groups = []
        while len(whole) > 3:
            whole, group = whole[:-3], whole[-3:]
            groups.insert(0, group)
        groups.insert(0, whole)
        written = self.thousand.join(groups)
        if fraction:
            written += self.decimal + fraction
        return ("-" if number < 0 else "") + written


VI = NumberStyle(decimal=",", thousand=".")
EN = NumberStyle(decimal=".", thousand=",")

_PATTERNS: dict[tuple[str, str], re.Pattern] = {}


def _pattern(decimal: str, thousand: str) -> re.Pattern:
    key = (decimal, thousand)
    if key not in _PATTERNS:
        d, t = re.escape(decimal), re.escape(thousand)
        # ASCII digits only: Decimal() would also read Arabic-Indic or
        # full-width digits.
        _PATTERNS[key] = re.compile(
            rf"(?P<sign>[-+]?)(?P<whole>[0-9]{{1,3}}(?:{t}[0-9]{{3}})+|[0-9]+)"
            rf"(?:{d}(?P<fraction>[0-9]+))?"
        )
    return _PATTERNS[key]


class NumberError(ValueError):
    """Input that is not a well-formed number in ``style``.

    ``reason`` is "format" (not a number written this way), "ambiguous"
    (well formed with the separators swapped: ``suggestion`` is that
    writing, what the user most likely meant), "whole" (a whole number was
    expected) or "digits" (more digits than exact arithmetic keeps)."""

    def __init__(
        self,
        text: str,
        style: NumberStyle,
        reason: str = "format",
        suggestion: str | None = None,
    ):
        super().__init__(text)
        self.text, self.style = text, style
        self.reason, self.suggestion = reason, suggestion

    @property
    def message(self) -> str:
        """The refusal in the active language, with the expected format."""
        params = {
            "typed": self.text,
            "suggestion": self.suggestion,
            "example": self.style.write(
                WHOLE_EXAMPLE if self.reason == "whole" else EXAMPLE
            ),
            "decimal": self.style.decimal,
            "thousand": self.style.thousand,
            "count": MAX_DIGITS,
        }
        if self.reason == "ambiguous":
            text = _(
                "“%(typed)s” is ambiguous: write %(suggestion)s. Numbers are "
                "written like %(example)s (“%(thousand)s” between groups of "
                "three digits, “%(decimal)s” before the decimals)."
            )
        elif self.reason == "whole":
            text = _(
                "Enter a whole number written like %(example)s, with "
                "“%(thousand)s” between groups of three digits."
            )
        elif self.reason == "digits":
            text = _(
                "Enter a number of at most %(count)s digits, written like %(example)s."
            )
        else:
            text = _(
                "Enter a number written like %(example)s: “%(thousand)s” between "
                "groups of three digits, “%(decimal)s” before the decimals, "
                "nothing else."
            )
        return text % params


def _match(text: str, style: NumberStyle) -> Decimal | None:
    found = style.pattern.fullmatch(text)
    if found is None:
        return None
    machine = found["whole"].replace(style.thousand, "")
    if found["fraction"] is not None:
        machine += "." + found["fraction"]
    number = Decimal(machine)
    # "-0" is zero: never store or show a negative zero.
    return -number if found["sign"] == "-" and number else number


def parse(text: str, style: NumberStyle) -> Decimal:
    """``text`` read as a number written in ``style``; surrounding spaces are
    ignored. Raises ``NumberError`` for anything not well formed."""
    stripped = text.strip()
    if len(stripped) > MAX_LENGTH:
        raise NumberError(stripped[:MAX_LENGTH] + "…", style)
    number = _match(stripped, style)
    if number is None:
        if _match(stripped, style.swapped) is None:
            raise NumberError(stripped, style)
        swap = {style.decimal: style.thousand, style.thousand: style.decimal}
        suggestion = "".join(swap.get(char, char) for char in stripped)
        raise NumberError(stripped, style, "ambiguous", suggestion)
    if len(number.as_tuple().digits) > MAX_DIGITS:
        raise NumberError(stripped, style, "digits")
    return number


def parse_whole(text: str, style: NumberStyle) -> int:
    """A whole number written in ``style`` (decimals only if zero: "12,0")."""
    try:
        number = parse(text, style)
    except NumberError as error:
        if error.reason != "format":
            raise
        raise NumberError(error.text, style, "whole") from None
    if number != number.to_integral_value():
        raise NumberError(text.strip(), style, "whole")
    return int(number)


def active_style() -> NumberStyle:
    """The separators of the active language (Vietnamese: "," and ".")."""
    return NumberStyle(
        decimal=formats.get_format("DECIMAL_SEPARATOR"),
        thousand=formats.get_format("THOUSAND_SEPARATOR"),
    )
