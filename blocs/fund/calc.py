"""The fund's arithmetic, as pure functions over Decimals (no ORM): the
statement of a year is what the bloc's fund rules (seed 003) ask the
secretariat to account for at the conference."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


@dataclass(frozen=True)
class Statement:
    """One year of the fund, in đồng."""

    opening: Decimal
    due: Decimal
    paid: Decimal
    expenses: Decimal

    @property
    def outstanding(self) -> Decimal:
        """Contributions due and not (yet) paid; never negative, since a
        member paying more than due does not make others owe less."""
        return max(self.due - self.paid, ZERO)

    @property
    def closing(self) -> Decimal:
        """What the fund holds at the year's end: carried over, plus what
        was paid in, less what was spent (what is only due is not cash)."""
        return self.opening + self.paid - self.expenses


def statement(
    *,
    opening: Decimal,
    contributions: Iterable[tuple[Decimal, Decimal]],
    expenses: Iterable[Decimal],
) -> Statement:
    """``contributions`` as (due, paid) pairs, ``expenses`` as amounts."""
    due = paid = ZERO
    for row_due, row_paid in contributions:
        due += row_due
        paid += row_paid
    return Statement(opening=opening, due=due, paid=paid, expenses=sum(expenses, ZERO))
