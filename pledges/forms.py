from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blocs.forms import NumberField, WholeNumberField
from blocs.templatetags.vn import num
from blocs.uploads import ALLOWED as EVIDENCE_TYPES
from blocs.widgets import attrs_html, escape, options_html, select_around
from pledges import calc, units
from pledges.models import (
    ABSOLUTE_MAX,
    DECIMAL_PLACES,
    MAX_DIGITS,
    Indicator,
    Submission,
)
from pledges.services import Entry

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


def _bound_messages(limit: Decimal, allow_negative: bool) -> tuple[str, str]:
    return (
        _("Must not exceed %(max)s.") % {"max": num(limit)},
        _("Must not be below %(min)s.") % {"min": num(-limit)}
        if allow_negative
        else _("Must not be negative."),
    )


def _number_field(indicator: Indicator) -> forms.Field:
    """A number field in the user's language: 2.470,7 in Vietnamese, 2,470.7 in
    English (read strictly, see blocs/numbers.py), bounded by the indicator's
    range (the bound shown the same way). Its label and whether it is
    disabled are set on each copy (``field_copy``)."""
    limit = indicator.max_value if indicator.max_value is not None else ABSOLUTE_MAX
    above, below = _bound_messages(limit, indicator.allow_negative)
    validators = [
        MaxValueValidator(limit, above),
        MinValueValidator(-limit if indicator.allow_negative else 0, below),
    ]
    if indicator.kind == K.INTEGER:
        return WholeNumberField(validators=validators, required=False)
    return NumberField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        validators=validators,
        required=False,
    )


def _unit_codes(unit: str) -> list[str]:
    """The units a figure in ``unit`` may be typed in, when there is a choice
    (none for a unit outside pledges/units.py or alone in its dimension)."""
    codes = units.compatible(unit) if unit in units.UNITS else []
    return codes if len(codes) > 1 else []


def _unit_field(unit: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[(code, str(units.Unit(code).label)) for code in _unit_codes(unit)],
        required=False,
    )


YES_NO = [("", "—"), ("1", _("Yes")), ("0", _("No"))]


def field_copy(field: forms.Field, *, label: str, disabled: bool) -> forms.Field:
    """A copy of ``field`` named ``label``: what Django's own copy of a form's
    fields (``Field.__deepcopy__``) makes anew, the widget, its attributes,
    the messages and the validators, and nothing else: the choices and the
    validators' bounds stay shared, as they never change after building."""
    new = _shallow(field)
    new.widget = _shallow(field.widget)
    new.widget.attrs = dict(field.widget.attrs)
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    new.label, new.disabled = label, disabled
    return new


def _shallow(obj):
    """``copy.copy(obj)`` for an object with a plain ``__dict__`` and no
    ``__copy__`` (Django's fields and widgets), without the pickling
    protocol ``copy.copy`` goes through: a third of its time, for the 400
    copies a report form makes."""
    new = obj.__class__.__new__(obj.__class__)
    new.__dict__.update(obj.__dict__)
    return new


class Prototypes:
    """The fields of a form, each shape built once and copied per figure
    (``field_copy``): a 50-indicator report form has some 200 fields of half
    a dozen shapes, and building each through its class (widget, messages,
    validators, bounds worded in the user's language) was most of the time
    of building the form, which every GET, save and submit does."""

    def __init__(self):
        self.built: dict[tuple, forms.Field] = {}

    def copy(self, key: tuple, build, *, label: str, disabled: bool) -> forms.Field:
        field = self.built.get(key)
        if field is None:
            field = self.built[key] = build()
        return field_copy(field, label=label, disabled=disabled)


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
        self._markup = {}  # see _shared
        self.fields["award_target"].disabled = plans_locked
        # Worded once, not once per indicator (the active language is fixed
        # for the request that builds the form).
        plan_label, note_label = gettext("Plan: %(name)s"), gettext("Note: %(name)s")
        unit_label = gettext("Unit: %(name)s")
        made = Prototypes()
        for value in values:
            ind = value.indicator
            key = str(ind.pk)
            number = (ind.kind, ind.max_value, ind.allow_negative)
            if ind.has_plan:
                self.fields[f"plan_{key}"] = made.copy(
                    number,
                    lambda ind=ind: _number_field(ind),
                    label=plan_label % {"name": ind.name},
                    disabled=plans_locked,
                )
            if ind.kind == K.TEXT:
                self.fields[f"text_{key}"] = made.copy(
                    ("text",),
                    lambda: forms.CharField(
                        required=False,
                        widget=forms.Textarea(attrs={"rows": 2}),
                        max_length=5000,
                    ),
                    label=ind.name,
                    disabled=values_locked,
                )
            elif ind.kind == K.BOOLEAN:
                self.fields[f"actual_{key}"] = made.copy(
                    ("yes-no",),
                    lambda: forms.TypedChoiceField(
                        choices=YES_NO,
                        coerce=Decimal,
                        empty_value=None,
                        required=False,
                    ),
                    label=ind.name,
                    disabled=values_locked,
                )
            else:
                self.fields[f"actual_{key}"] = made.copy(
                    number,
                    lambda ind=ind: _number_field(ind),
                    label=ind.name,
                    disabled=values_locked,
                )
            if ind.kind in (K.INTEGER, K.DECIMAL) and _unit_codes(ind.unit):
                # A figure may be typed in any unit of the indicator's
                # dimension; the service converts it (pledges/units.py).
                label = unit_label % {"name": ind.name}
                unit = ("unit", ind.unit)
                if ind.has_plan:
                    self.fields[f"plan_unit_{key}"] = made.copy(
                        unit,
                        lambda ind=ind: _unit_field(ind.unit),
                        label=label,
                        disabled=plans_locked,
                    )
                self.fields[f"actual_unit_{key}"] = made.copy(
                    unit,
                    lambda ind=ind: _unit_field(ind.unit),
                    label=label,
                    disabled=values_locked,
                )
            self.fields[f"note_{key}"] = made.copy(
                ("note",),
                lambda: forms.CharField(required=False, max_length=2000),
                label=note_label % {"name": ind.name},
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
            unit = value.indicator.unit
            # A figure typed in another unit is shown as it was typed.
            if value.plan_entered is not None:
                initial[f"plan_{key}"] = plain(value.plan_entered)
                initial[f"plan_unit_{key}"] = value.plan_entered_unit
            else:
                initial[f"plan_{key}"] = plain(value.plan)
                initial[f"plan_unit_{key}"] = unit
            initial[f"actual_unit_{key}"] = unit
            if value.indicator.kind == K.BOOLEAN and value.actual is not None:
                initial[f"actual_{key}"] = str(int(value.actual))
            elif value.actual_entered is not None:
                initial[f"actual_{key}"] = plain(value.actual_entered)
                initial[f"actual_unit_{key}"] = value.actual_entered_unit
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
                plan_unit=data.get(f"plan_unit_{key}") or "",
                actual_unit=data.get(f"actual_unit_{key}") or "",
            )
        return entries

    def table(self, last_year: dict[str, Decimal | None]) -> list["ReportRow"]:
        """The rows of the report table in order, everything in them already
        worded and formatted, so that the page prints them without a filter,
        a translation or a widget template per row. ``last_year``: the board's
        approved figures of the year before, by indicator code."""
        unit_labels = {code: str(label) for code, label in Indicator.Unit.choices}
        rows = []
        for value in self.values:
            ind = value.indicator
            key = str(value.indicator_id)
            percent = calc.percent_of_plan(value.actual, value.plan)
            rows.append(
                ReportRow(
                    name=ind.name,
                    group=ind.group,
                    flagged=value.flagged,
                    unit=unit_labels.get(ind.unit, ind.unit),
                    last_year=num(last_year.get(ind.code)),
                    percent=None if percent is None else num(percent),
                    plan=self.cell(f"plan_{key}")
                    if f"plan_{key}" in self.fields
                    else None,
                    actual=self.cell(f"text_{key}")
                    if f"text_{key}" in self.fields
                    else self.cell(f"actual_{key}"),
                    note=self.cell(f"note_{key}"),
                    plan_unit=self.cell(f"plan_unit_{key}")
                    if f"plan_unit_{key}" in self.fields
                    else None,
                    actual_unit=self.cell(f"actual_unit_{key}")
                    if f"actual_unit_{key}" in self.fields
                    else None,
                )
            )
        return rows

    def cell(self, name: str) -> "Cell":
        """The field ``name`` written as ``{{ form.name }}{{ form.name.errors }}``
        would write it: same markup, attributes in the same order, values in
        the user's language. The form has about 150 inputs; Django renders
        each through several templates, which made up most of the page's
        time, so they are written here in one pass of string formatting
        (tests/pledges/test_report_form.py compares both, field by field).
        The parts that every field of one shape shares (its widget's own
        attributes, a select's options for one value) are written once per
        form (``_shared``)."""
        field = self.fields[name]
        widget = field.widget
        html_name = self.add_prefix(name)
        if self.is_bound:
            bound = self[name]
            initial, value = bound.initial, bound.value()
            errors = self.errors.get(name)
        else:
            # What BoundField.initial and .value() give an unbound form,
            # without building the BoundField.
            initial = self.get_initial_for_field(field, name)
            value = field.prepare_value(initial)
            errors = None
        # Added after the widget's own attributes, in the order of Django's
        # BoundField.build_widget_attrs and as_widget.
        added = {}
        if (
            field.required
            and self.use_required_attribute
            and widget.use_required_attribute(initial)
        ):
            added["required"] = True
        if field.disabled:
            added["disabled"] = True
        if errors and not widget.is_hidden:
            added["aria-invalid"] = "true"
        auto_id = _auto_id(self.auto_id, html_name)
        described = []
        if auto_id and not widget.is_hidden:
            if field.help_text:
                described.append(f"{auto_id}_helptext")
            if errors:
                described.append(f"{auto_id}_error")
        if described and "aria-describedby" not in widget.attrs:
            added["aria-describedby"] = " ".join(described)
        if auto_id and "id" not in widget.attrs:
            added["id"] = auto_id
        if added.keys() & widget.attrs.keys():
            # An added attribute the widget sets itself keeps its place.
            attrs_markup = attrs_html({**widget.attrs, **added})
        else:
            attrs_markup = self._shared(
                ("attrs", *widget.attrs.items()), lambda: attrs_html(widget.attrs)
            ) + attrs_html(added)
        value = widget.format_value(value)
        name_html = escape(html_name)
        if isinstance(widget, forms.Select):
            choices = widget.choices
            options = self._shared(
                ("options", id(choices), *value),
                lambda: (choices, options_html(choices, value)),
            )[1]
            markup = select_around(name_html, attrs_markup, options)
        elif isinstance(widget, forms.Textarea):
            markup = (
                f'<textarea name="{name_html}"{attrs_markup}>\n'
                f"{escape(value) if value else ''}</textarea>"
            )
        else:
            shown = "" if value is None else f' value="{escape(value)}"'
            markup = (
                f'<input type="{widget.input_type}" name="{name_html}"{shown}'
                f"{attrs_markup}>"
            )
        # Every piece of the markup was escaped above.
        return Cell(mark_safe(markup), str(errors) if errors else "")  # noqa: S308

    def _shared(self, key: tuple, write):
        """``write()``, once per key for this form. A select's options are
        keyed by the identity of its choices, which the memo keeps alive
        beside the markup (``write`` returns both)."""
        found = self._markup.get(key)
        if found is None:
            found = self._markup[key] = write()
        return found


def _auto_id(auto_id, html_name: str) -> str:
    """What ``BoundField.auto_id`` gives."""
    if auto_id and "%s" in str(auto_id):
        return auto_id % html_name
    return html_name if auto_id else ""


@dataclass(frozen=True, slots=True)
class Cell:
    """One input of the report table, ready to print: ``{{ cell }}`` is the
    input, ``{{ cell.errors }}`` its error list (empty without errors)."""

    html: SafeString
    errors: SafeString | str

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One indicator of the report table, ready to print."""

    name: str
    group: str
    flagged: bool
    unit: str
    last_year: str  # formatted, "—" when there is none
    percent: str | None  # share of plan, formatted; None when it has no meaning
    plan: Cell | None  # None: the indicator has no plan
    actual: Cell  # the result, the yes/no answer or the text
    note: Cell
    # The unit a figure is typed in, when the indicator offers a choice.
    plan_unit: Cell | None = None
    actual_unit: Cell | None = None


def rows_html(rows: list[ReportRow]) -> SafeString:
    """The report table's body rows (``_report_table.html``), written as a
    template's loop over them would write them: ``ROWS_LOOP`` in
    tests/pledges/test_report_form.py is that loop, and the test compares
    both, character for character. A Django template spends some 150 µs on
    each of the 50 rows, most of the table's time, where this spends a few;
    Django's admin writes its list rows in Python the same way
    (``items_for_result``)."""
    flagged = ' class="flagged"'
    # Worded outside the f-string, where makemessages would not find it.
    to_check = escape(gettext("to check"))
    flag = f' <span class="flag">⚑ {to_check}</span>'
    out = []
    group = None  # {% ifchanged %} starts from nothing seen
    for row in rows:
        out.append("\n      ")
        if row.group != group:
            group = row.group
            out.append(
                '<tr class="group"><th colspan="7" scope="rowgroup">'
                f"{escape(group)}</th></tr>"
            )
        if row.plan is None:
            plan = "—"
        else:
            unit = f" {row.plan_unit}" if row.plan_unit is not None else ""
            plan = f"{row.plan}{unit}{row.plan.errors}"
        actual_unit = f" {row.actual_unit}" if row.actual_unit is not None else ""
        percent = "—" if row.percent is None else f"{escape(row.percent)}%"
        out.append(
            f"\n      <tr{flagged if row.flagged else ''}>"
            f'\n        <th scope="row">{escape(row.name)}'
            f"{flag if row.flagged else ''}</th>"
            f"\n        <td>{escape(row.unit)}</td>"
            f'\n        <td class="num">{escape(row.last_year)}</td>'
            f"\n        <td>{plan}</td>"
            f"\n        <td>{row.actual}{actual_unit}{row.actual.errors}</td>"
            f'\n        <td class="num">{percent}</td>'
            f"\n        <td>{row.note}{row.note.errors}</td>"
            "\n      </tr>\n    "
        )
    # Every piece was escaped above, or is markup written by cell().
    return mark_safe("".join(out))  # noqa: S308


class EvidenceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # The browser offers only these; the service still checks every byte.
    file = forms.FileField(
        label=_("Evidence file"),
        widget=forms.FileInput(attrs={"accept": ",".join(EVIDENCE_TYPES)}),
    )
