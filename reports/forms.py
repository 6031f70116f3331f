"""Filters of the ministry's pages: the shape of GET parameters only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.models import BlocYear
from blocs.widgets import FastSelect

# Indicators the overview can chart over the years (codes of the default
# catalogue, pledges/catalog.py); labels are the page's, not the catalogue's.
CHART_INDICATORS = [
    ("new-capital-usd", _("New and added capital (FDI, million USD)")),
    ("new-projects", _("New projects")),
    ("export", _("Export (million USD)")),
    ("budget", _("State budget contribution (billion VND)")),
]


def _year_choices(years: list[int]) -> list[tuple[str, str]]:
    return [(str(y), str(y)) for y in years]


class OverviewFilterForm(forms.Form):
    """Year, region and status of the bloc-years listed; the indicator of the
    chart. Every field is optional; an invalid one is reported and ignored."""

    # Written by FastSelect: the boards' select has an option per board.
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, widget=FastSelect
    )
    region = forms.ChoiceField(label=_("Region"), required=False, widget=FastSelect)
    status = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("", _("All stages")), *BlocYear.Status.choices],
        widget=FastSelect,
    )
    indicator = forms.ChoiceField(
        label=_("Chart"), required=False, choices=CHART_INDICATORS, widget=FastSelect
    )
    board = forms.TypedChoiceField(
        label=_("Chart of one board (with its predecessors)"),
        required=False,
        coerce=int,
        widget=FastSelect,
    )

    def __init__(
        self,
        data,
        *,
        years: list[int],
        regions: list[str],
        boards: list[tuple[int, str]] = (),
    ):
        super().__init__(data)
        self.fields["board"].choices = [
            ("", _("Every bloc")),
            *[(str(pk), name) for pk, name in boards],
        ]
        self.fields["year"].choices = [("", _("All years")), *_year_choices(years)]
        self.fields["region"].choices = [
            ("", _("All regions")),
            *[(r, r) for r in regions],
        ]

    def value(self, name: str, default=None):
        """The cleaned value of a field, or ``default`` when it was invalid
        or left empty."""
        if not self.is_bound:
            return default
        self.is_valid()
        return self.cleaned_data.get(name) or default


class CompareFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, widget=FastSelect
    )
    region = forms.ChoiceField(label=_("Region"), required=False, widget=FastSelect)

    def __init__(self, data, *, years: list[int], regions: list[str]):
        super().__init__(data)
        self.fields["year"].choices = _year_choices(years)
        self.fields["region"].choices = [
            ("", _("All regions")),
            *[(r, r) for r in regions],
        ]

    value = OverviewFilterForm.value
