"""Reads of the fund: a year's statement and its balance, in few queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from blocs.fund import calc
from blocs.fund.models import Contribution, Expense, FundYear
from blocs.models import BlocYear


@dataclass(frozen=True)
class FundReport:
    """A year's statement with its rows, for the admin and the documents."""

    fund_year: FundYear
    statement: calc.Statement
    contributions: list[Contribution]
    expenses: list[Expense]


def fund_statement(bloc_year: BlocYear) -> calc.Statement | None:
    """The year's figures (None if the bloc keeps no fund that year), in
    three queries whatever the number of members."""
    fund = FundYear.objects.filter(bloc_year=bloc_year).first()
    return None if fund is None else statement_of(fund)


def statement_of(fund: FundYear) -> calc.Statement:
    """``fund``'s figures, summed by the database (two queries)."""
    sums = Contribution.objects.filter(fund_year=fund).aggregate(
        due=Sum("due"), paid=Sum("paid")
    )
    spent = Expense.objects.filter(fund_year=fund).aggregate(total=Sum("amount"))
    return calc.Statement(
        opening=fund.opening_balance,
        due=sums["due"] or calc.ZERO,
        paid=sums["paid"] or calc.ZERO,
        expenses=spent["total"] or calc.ZERO,
    )


def fund_balance(bloc_year: BlocYear) -> Decimal | None:
    """What the bloc's fund holds at the end of ``bloc_year`` (opening plus
    paid contributions less expenses), or None without a fund that year. For
    the year's cockpit and anyone who needs the one figure."""
    statement = fund_statement(bloc_year)
    return None if statement is None else statement.closing


def fund_report(bloc_year: BlocYear) -> FundReport | None:
    """The statement with its rows (boards by name, expenses by date), in
    three queries."""
    fund = FundYear.objects.filter(bloc_year=bloc_year).first()
    if fund is None:
        return None
    contributions = list(
        Contribution.objects.filter(fund_year=fund)
        .select_related("board")
        .order_by("board__name")
    )
    expenses = list(Expense.objects.filter(fund_year=fund).order_by("spent_on", "pk"))
    return FundReport(
        fund_year=fund,
        statement=calc.statement(
            opening=fund.opening_balance,
            contributions=[(c.due, c.paid) for c in contributions],
            expenses=[e.amount for e in expenses],
        ),
        contributions=contributions,
        expenses=expenses,
    )
