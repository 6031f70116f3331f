"""Every change to the bloc's fund: keyword-only, atomic, audited, and
refused once the bloc-year is closed (the year's accounts are settled)."""

import datetime as dt
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from blocs.fund.models import Contribution, Expense, FundYear
from blocs.fund.permissions import can_change_fund
from blocs.fund.selectors import fund_balance
from blocs.models import BlocYear, Board, Membership, User
from blocs.services import audit_record
from blocs.templatetags.vn import num
from blocs.uploads import evidence_check, file_digest


def _lock_open_year(bloc_year: BlocYear, actor: User | None) -> BlocYear:
    """The bloc-year, locked so that it cannot close while its fund changes;
    refused if closed or not the actor's (``actor`` None: a generator)."""
    locked = (
        BlocYear.objects.select_for_update().select_related("bloc").get(pk=bloc_year.pk)
    )
    if locked.status == BlocYear.Status.CLOSED:
        raise ValidationError(
            _("%(year)s is closed: its fund can no longer change."),
            params={"year": locked},
        )
    if actor is not None and not can_change_fund(actor, locked):
        raise PermissionDenied
    return locked


def _money(value) -> str:
    return str(value) if value is not None else ""


@transaction.atomic
def fund_year_open(
    *,
    bloc_year: BlocYear,
    actor: User | None,
    opening_balance: Decimal | None = None,
    illustrative: bool = False,
    note: str = "",
) -> FundYear:
    """Open (or correct) the fund's books for ``bloc_year``. Without an
    ``opening_balance`` the previous year's closing balance is carried over
    (none kept: nothing is)."""
    bloc_year = _lock_open_year(bloc_year, actor)
    if opening_balance is None:
        previous = BlocYear.objects.filter(
            bloc=bloc_year.bloc, year=bloc_year.year - 1
        ).first()
        carried = fund_balance(previous) if previous is not None else None
        opening_balance = max(carried or Decimal(0), Decimal(0))
    fund = FundYear.objects.filter(bloc_year=bloc_year).first() or FundYear(
        bloc_year=bloc_year
    )
    before = {"opening_balance": _money(fund.opening_balance) if fund.pk else ""}
    fund.opening_balance = opening_balance
    fund.illustrative = illustrative
    fund.note = note
    fund.full_clean()
    fund.save()
    audit_record(
        actor=actor,
        action="fund.open",
        obj=fund,
        changes=before | {"opening_balance_new": _money(opening_balance), "note": note},
    )
    return fund


@transaction.atomic
def contribution_set(
    *,
    fund_year: FundYear,
    board: Board,
    due: Decimal,
    actor: User | None,
    paid: Decimal = Decimal(0),
    paid_on: dt.date | None = None,
) -> Contribution:
    """What ``board`` owes for the year and what it paid (one row per board,
    updated in place); the board must be a member that year."""
    bloc_year = _lock_open_year(fund_year.bloc_year, actor)
    if not Membership.objects.filter(bloc_year=bloc_year, board=board).exists():
        raise ValidationError(
            _("%(board)s is not a member of %(year)s."),
            params={"board": board, "year": bloc_year},
        )
    row = Contribution.objects.filter(fund_year=fund_year, board=board).first()
    row = row or Contribution(fund_year=fund_year, board=board)
    before = {"due": _money(row.due), "paid": _money(row.paid)} if row.pk else {}
    row.due, row.paid, row.paid_on = due, paid, paid_on
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="fund.contribution",
        obj=fund_year,
        changes={
            "board": board.short_name,
            "before": before,
            "due": _money(due),
            "paid": _money(paid),
            "paid_on": paid_on.isoformat() if paid_on else "",
        },
    )
    return row


@transaction.atomic
def expense_add(
    *,
    fund_year: FundYear,
    purpose: str,
    spent_on: dt.date,
    amount: Decimal,
    actor: User | None,
    receipt=None,
) -> Expense:
    """Record money spent, with its receipt checked as evidence is (type by
    content, size); refused if the fund does not hold that much."""
    bloc_year = _lock_open_year(fund_year.bloc_year, actor)
    expense = Expense(
        fund_year=fund_year,
        purpose=purpose,
        spent_on=spent_on,
        amount=amount,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    expense.full_clean(exclude=["receipt"])
    balance = fund_balance(bloc_year) or Decimal(0)
    if amount > balance:
        raise ValidationError(
            _(
                "The fund holds %(balance)s đồng; an expense of %(amount)s đồng "
                "cannot be paid from it."
            ),
            params={"balance": num(balance), "amount": num(amount)},
        )
    if receipt is not None:
        expense.receipt_type = evidence_check(receipt)
        expense.receipt_sha256 = file_digest(receipt)
        expense.receipt_name = PurePath(receipt.name).name[:255]
        expense.receipt.save(expense.receipt_name, receipt, save=False)
    try:
        expense.save()
        audit_record(
            actor=actor,
            action="fund.expense_add",
            obj=fund_year,
            changes={
                "purpose": purpose,
                "spent_on": spent_on.isoformat(),
                "amount": _money(amount),
                "receipt": expense.receipt_name,
                "sha256": expense.receipt_sha256,
            },
        )
    except BaseException:
        # The row rolls back with the transaction; the stored file must too.
        if expense.receipt:
            expense.receipt.delete(save=False)
        raise
    return expense


@transaction.atomic
def expense_delete(*, expense: Expense, actor: User | None) -> None:
    """Remove an expense recorded by mistake (the audit keeps what it was);
    the receipt file stays, as evidence of what was entered."""
    fund_year = expense.fund_year
    _lock_open_year(fund_year.bloc_year, actor)
    audit_record(
        actor=actor,
        action="fund.expense_delete",
        obj=fund_year,
        changes={
            "purpose": expense.purpose,
            "spent_on": expense.spent_on.isoformat(),
            "amount": _money(expense.amount),
            "receipt": expense.receipt_name,
        },
    )
    expense.delete()
