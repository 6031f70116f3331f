"""Who sees and changes the fund: the bloc's secretariat its own bloc's, the
ministry reads every bloc's; a closed year's fund changes for no one."""

from django.db.models import QuerySet

from blocs.fund.models import Contribution, Expense, FundYear
from blocs.models import BlocYear
from blocs.permissions import can_change_bloc_year, is_secretariat, sees_everything


def fund_years_visible_to(user) -> QuerySet[FundYear]:
    # Board officers do not keep the fund's books; the conference hears the
    # statement in the summary report.
    if sees_everything(user):
        return FundYear.objects.all()
    if is_secretariat(user):
        return FundYear.objects.filter(bloc_year__bloc=user.bloc_id)
    return FundYear.objects.none()


def contributions_visible_to(user) -> QuerySet[Contribution]:
    return Contribution.objects.filter(fund_year__in=fund_years_visible_to(user))


def expenses_visible_to(user) -> QuerySet[Expense]:
    return Expense.objects.filter(fund_year__in=fund_years_visible_to(user))


def can_change_fund(user, bloc_year: BlocYear) -> bool:
    """The year's own rule: its bloc's secretariat (or a superuser), while
    the year is not closed."""
    return can_change_bloc_year(user, bloc_year)
