from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from blocs.templatetags.vn import num
from pledges.models import (
    ABSOLUTE_MAX,
    DECIMAL_PLACES,
    MAX_DIGITS,
    Indicator,
    Submission,
)
from pledges.services import Entry
from pledges.services.evidence import ALLOWED as EVIDENCE_TYPES

K = Indicator.Kind


def plain(number: Decimal | None) -> Decimal | None:
    """2470.7000 → 2470.7 and 1000.0000 → 1000, never 1E+3, for display."""
    if number is None:
        return None
    return (
        number.quantize(Decimal(1))
        if number == number.to_integral()
        else number.normalize()
    )


def _number_field(indicator: Indicator, label: str, disabled: bool) -> forms.Field:
    """A number field in the user's language: 2.470,7 in Vietnamese, 2,470.7 in
    English, bounded by the indicator's range (the bound shown the same way)."""
    limit = indicator.max_value if indicator.max_value is not None else ABSOLUTE_MAX
    validators = [
        MaxValueValidator(limit, _("Must not exceed %(max)s.") % {"max": num(limit)}),
        MinValueValidator(
            -limit if indicator.allow_negative else 0,
            _("Must not be below %(min)s.") % {"min": num(-limit)}
            if indicator.allow_negative
            else _("Must not be negative."),
        ),
    ]
    bounds = {
        "validators": validators,
        "required": False,
        "localize": True,
        "label": label,
        "disabled": disabled,
    }
    if indicator.kind == K.INTEGER:
        return forms.IntegerField(**bounds)
    return forms.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **bounds
    )


YES_NO = [("", "—"), ("1", _("Yes")), ("0", _("No"))]


class ReportForm(forms.Form):
    """Every indicator of a year in one form: plan, actual (or answer), note.

    Fields are named by indicator id; which ones are disabled follows the
    locks, so a locked part can be shown but never posted over.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    award_target = forms.ChoiceField(
        label=_("Award aimed for"), choices=Submission.Award.choices, required=False
    )

    def __init__(
        self, *args, values, plans_locked: bool, values_locked: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.values = values
        self.fields["award_target"].disabled = plans_locked
        for value in values:
            ind = value.indicator
            key = str(ind.pk)
            if ind.has_plan:
                self.fields[f"plan_{key}"] = _number_field(
                    ind, _("Plan: %(name)s") % {"name": ind.name}, plans_locked
                )
            if ind.kind == K.TEXT:
                self.fields[f"text_{key}"] = forms.CharField(
                    label=ind.name,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    disabled=values_locked,
                    max_length=5000,
                )
            elif ind.kind == K.BOOLEAN:
                self.fields[f"actual_{key}"] = forms.TypedChoiceField(
                    label=ind.name,
                    choices=YES_NO,
                    coerce=Decimal,
                    empty_value=None,
                    required=False,
                    disabled=values_locked,
                )
            else:
                self.fields[f"actual_{key}"] = _number_field(
                    ind, ind.name, values_locked
                )
            self.fields[f"note_{key}"] = forms.CharField(
                label=_("Note: %(name)s") % {"name": ind.name},
                required=False,
                max_length=2000,
                disabled=values_locked,
            )

    @staticmethod
    def initial_for(submission, values) -> dict:
        initial = {
            "version": submission.version,
            "award_target": submission.award_target,
        }
        for value in values:
            key = str(value.indicator_id)
            initial[f"plan_{key}"] = plain(value.plan)
            if value.indicator.kind == K.BOOLEAN and value.actual is not None:
                initial[f"actual_{key}"] = str(int(value.actual))
            else:
                initial[f"actual_{key}"] = plain(value.actual)
            initial[f"text_{key}"] = value.text
            initial[f"note_{key}"] = value.note
        return initial

    def entries(self) -> dict[int, Entry]:
        data = self.cleaned_data
        entries = {}
        for value in self.values:
            key = str(value.indicator_id)
            actual = data.get(f"actual_{key}")
            entries[value.indicator_id] = Entry(
                plan=None
                if data.get(f"plan_{key}") is None
                else Decimal(data[f"plan_{key}"]),
                actual=None if actual is None else Decimal(actual),
                text=data.get(f"text_{key}", ""),
                note=data.get(f"note_{key}", ""),
            )
        return entries

    def rows(self):
        """(indicator value, plan field, actual/text field, note field) in order."""
        for value in self.values:
            key = str(value.indicator_id)
            yield (
                value,
                self[f"plan_{key}"] if f"plan_{key}" in self.fields else None,
                self[f"text_{key}"]
                if f"text_{key}" in self.fields
                else self[f"actual_{key}"],
                self[f"note_{key}"],
            )


class EvidenceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # The browser offers only these; the service still checks every byte.
    file = forms.FileField(
        label=_("Evidence file"),
        widget=forms.FileInput(attrs={"accept": ",".join(EVIDENCE_TYPES)}),
    )
