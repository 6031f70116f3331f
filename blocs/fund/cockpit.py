"""The fund's block in the year's cockpit (blocs.hooks.COCKPIT_SECTIONS)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from blocs.fund.models import FundYear
from blocs.fund.selectors import statement_of
from blocs.hooks import CockpitSection
from blocs.templatetags.vn import num


def fund_section(bloc_year) -> CockpitSection | None:
    """The year's statement in figures, linked to the fund's page; nothing
    for a bloc that keeps no fund that year. Three queries at most."""
    fund = FundYear.objects.filter(bloc_year=bloc_year).first()
    if fund is None:
        return None
    statement = statement_of(fund)
    return CockpitSection(
        title=str(_("Bloc fund")),
        rows=[
            (_("Balance carried over"), num(statement.opening)),
            (_("Contributions due"), num(statement.due)),
            (_("Contributions paid"), num(statement.paid)),
            (_("Expenses"), num(statement.expenses)),
            (_("Closing balance"), num(statement.closing)),
        ],
        url=reverse("admin:fund_fundyear_change", args=[fund.pk]),
    )
