"""Shape checks of the fund's admin forms, so that what the services would
refuse is shown on the form, next to the field, before anything is stored."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from blocs.fund.models import Contribution, Expense
from blocs.fund.selectors import fund_balance
from blocs.models import BlocYear, Membership
from blocs.templatetags.vn import num
from blocs.uploads import evidence_check


def _refuse_closed(fund_year) -> None:
    if fund_year is not None and fund_year.bloc_year.status == BlocYear.Status.CLOSED:
        raise ValidationError(
            _("%(year)s is closed: its fund can no longer change."),
            params={"year": fund_year.bloc_year},
        )


class ContributionForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ["fund_year", "board", "due", "paid", "paid_on"]

    def clean(self):
        data = super().clean()
        fund_year = data.get("fund_year") or (
            self.instance.fund_year if self.instance.fund_year_id else None
        )
        board = data.get("board") or (
            self.instance.board if self.instance.board_id else None
        )
        _refuse_closed(fund_year)
        if (
            fund_year is not None
            and board is not None
            and not Membership.objects.filter(
                bloc_year=fund_year.bloc_year_id, board=board
            ).exists()
        ):
            raise ValidationError(
                _("%(board)s is not a member of %(year)s."),
                params={"board": board, "year": fund_year.bloc_year},
            )
        return data


class ExpenseForm(forms.ModelForm):
    class Meta:
        model = Expense
        fields = ["fund_year", "purpose", "spent_on", "amount", "receipt"]

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        if receipt:
            evidence_check(receipt)
        return receipt

    def clean(self):
        data = super().clean()
        fund_year, amount = data.get("fund_year"), data.get("amount")
        _refuse_closed(fund_year)
        if fund_year is not None and amount is not None:
            balance = fund_balance(fund_year.bloc_year) or 0
            if amount > balance:
                raise ValidationError(
                    _(
                        "The fund holds %(balance)s đồng; an expense of %(amount)s "
                        "đồng cannot be paid from it."
                    ),
                    params={"balance": num(balance), "amount": num(amount)},
                )
        return data
