from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from blocs.forms import NumberField
from blocs.templatetags.vn import num
from pledges.forms import plain
from scoring.models import POINTS, Assessment, Candidate, Criterion


class SelfAssessmentForm(forms.Form):
    """Points and a comment for each criterion a board assesses by hand.

    Fields are named by criterion id. Only what changed is returned by
    ``changes()``, so an unchanged criterion is not assessed again; a
    self-assessment cannot be withdrawn, so a cleared field is refused.
    ``stamp`` is when the board's self-assessment last changed: a form filled
    in before another officer of the board saved is refused, not won.
    """

    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, criteria: list[Criterion], own: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.own = own
        self.current_stamp = self.stamp_of(own)
        self.fields["stamp"].initial = self.current_stamp
        for c in criteria:
            key = str(c.pk)
            mine = own.get(c.pk)
            self.fields[f"points_{key}"] = self._points_field(c)
            self.fields[f"points_{key}"].initial = plain(mine.points) if mine else None
            label = _("Comment: %(name)s") % {"name": c.name}
            self.fields[f"comment_{key}"] = forms.CharField(
                label=label,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2, "aria-label": label}),
                initial=mine.comment if mine else "",
            )

    @staticmethod
    def _points_field(c: Criterion) -> forms.Field:
        """A task done or not is a yes (full points) or a no; other criteria
        take points from 0 to the maximum, typed the user's way (2,5)."""
        label = _("Points: %(name)s") % {"name": c.name}
        if c.kind == Criterion.Kind.YES_NO:
            return forms.TypedChoiceField(
                label=label,
                choices=[
                    ("", "—"),
                    (str(plain(c.max_points)), _("Yes")),
                    ("0", _("No")),
                ],
                coerce=Decimal,
                empty_value=None,
                required=False,
            )
        return NumberField(
            label=label,
            required=False,
            max_digits=POINTS["max_digits"],
            decimal_places=POINTS["decimal_places"],
            validators=[
                MinValueValidator(0, _("Must not be negative.")),
                MaxValueValidator(
                    c.max_points,
                    _("Must not exceed %(max)s.") % {"max": num(c.max_points)},
                ),
            ],
        )

    @staticmethod
    def stamp_of(own: dict) -> str:
        times = [a.at for a in own.values()]
        return max(times).isoformat() if times else ""

    def clean(self):
        data = super().clean()
        if data.get("stamp", "") != self.current_stamp:
            raise forms.ValidationError(
                _(
                    "Another officer of your board has changed the "
                    "self-assessment meanwhile: reload the page and enter "
                    "your changes again."
                ),
                code="stale",
            )
        for c in self.criteria:
            key = str(c.pk)
            if f"points_{key}" in self.errors:
                continue
            points = data.get(f"points_{key}")
            comment = (data.get(f"comment_{key}") or "").strip()
            if points is None and c.pk in self.own:
                self.add_error(
                    f"points_{key}",
                    _("A self-assessment cannot be withdrawn: give 0 instead."),
                )
            elif points is None and comment:
                self.add_error(f"points_{key}", _("Give the points too."))
        return data

    def changes(self) -> list[tuple[Criterion, Decimal, str]]:
        """(criterion, points, comment) for each criterion given or changed."""
        changed = []
        for c in self.criteria:
            key = str(c.pk)
            points = self.cleaned_data.get(f"points_{key}")
            comment = self.cleaned_data.get(f"comment_{key}", "").strip()
            if points is None:
                continue
            mine: Assessment | None = self.own.get(c.pk)
            if mine is None or mine.points != points or mine.comment != comment:
                changed.append((c, points, comment))
        return changed

    def rows(self):
        """(criterion, points field, comment field) in the scale's order."""
        for c in self.criteria:
            yield c, self[f"points_{c.pk}"], self[f"comment_{c.pk}"]


class BallotForm(forms.Form):
    """The candidates as check boxes; the service has the last word."""

    choices = forms.TypedMultipleChoiceField(
        label=_("Candidates"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one candidate.")},
    )

    def __init__(self, *args, candidates: list[Candidate], max_choices: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_choices = max_choices
        self.fields["choices"].choices = [
            (c.board_id, c.board.short_name) for c in candidates
        ]

    def clean_choices(self):
        chosen = self.cleaned_data["choices"]
        if len(set(chosen)) > self.max_choices:
            raise forms.ValidationError(
                _("Choose at most %(n)s."), params={"n": self.max_choices}
            )
        return chosen


class ReceiptLookupForm(forms.Form):
    receipt = forms.CharField(label=_("Receipt code"), max_length=16, required=False)

    def code(self) -> str:
        if not self.is_valid():
            return ""
        return self.cleaned_data["receipt"].strip().upper().replace(" ", "")
