"""Plans and results as a spreadsheet: one row per board and indicator.

The secretariat exports a bloc-year, fills in or corrects plan and actual
columns, and imports the file back in the admin. An import only updates
existing value rows, found by (bloc, year, board, indicator); it is all or
nothing, and its one write goes through ``values_import`` (audited, with
the reports' versions bumped). Text cells are escaped against formula
injection on export and unescaped on import, so a file round-trips.
"""

import io
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q, QuerySet
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.results import RowResult
from openpyxl import Workbook

from blocs.models import Bloc, BlocYear, Membership
from blocs.permissions import is_secretariat
from blocs.selectors import boards_named_in_years, dated_board_field
from pledges import units
from pledges.models import ExchangeRate, Indicator, Submission, Value
from pledges.permissions import submissions_visible_to
from pledges.services.importing import (
    IMPORTED_FIELDS,
    number_is_float_safe,
    number_parse,
    number_text,
    submission_import_check,
    submission_in_import_scope,
    value_check,
    values_import,
)
from pledges.services.units import figure_convert

logger = logging.getLogger(__name__)
T = TypeVar("T")

# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
KEY_COLUMNS = ("bloc", "year", "board", "indicator")
EXPORT_ONLY = ("indicator_name", "unit")


def cell_escape(text: str) -> str:
    """'=HYPERLINK(…) is shown as text, never run (CSV/formula injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def cell_unescape(raw) -> str:
    text = "" if raw is None else str(raw).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        text = text[1:]
    return text


def _blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _year(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    text = cell_unescape(raw)
    return int(text) if text.isascii() and text.isdigit() else None


class TextCell(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return cell_unescape(value)

    def render(self, value, obj=None, **kwargs):
        return cell_escape("" if value is None else str(value))


class YearCell(widgets.Widget):
    """A year is a label: 2024, never 2.024."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class NumberCell(widgets.Widget):
    """Machine-format numbers: 2470.7 in CSV; a number cell in XLSX when a
    spreadsheet keeps the value exactly, else the same machine text."""

    def clean(self, value, row=None, **kwargs):
        try:
            return number_parse(value)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from error

    def render(self, value, obj=None, **kwargs):
        native = kwargs.get("force_native_type")
        if value is None:
            return None if native else ""
        if native and number_is_float_safe(value):
            return int(value) if value == value.to_integral_value() else float(value)
        return number_text(Decimal(value))


def _hide_unexpected_errors(result) -> None:
    """An error that is not one of our messages (a bug, a file the reader
    chokes on) is logged with its traceback for the operators and shown to
    the user as one plain sentence: its text may hold server paths."""
    row_errors = [error for row in result.rows for error in row.errors]
    for error in [*result.base_errors, *row_errors]:
        if isinstance(error.error, ValidationError):
            continue
        logger.error(
            "import failed: %s",
            type(error.error).__name__,
            exc_info=(type(error.error), error.error, error.error.__traceback__),
        )
        error.error = ValidationError(
            _(
                "The file could not be imported. Check that it is a file exported "
                "here, in the format chosen, then try again."
            )
        )
        error.__dict__.pop("traceback", None)


def _diff_cell(old, new) -> str:
    """A preview cell: a changed figure shows old and new, struck out and
    inserted, as the library's character diff would for short numbers."""
    old, new = force_str(old), force_str(new)
    if old == new:
        return format_html("<span>{}</span>", new)
    if not old:
        return format_html("<ins>{}</ins>", new)
    return format_html("<del>{}</del> <ins>{}</ins>", old, new)


# The preview lists the first changed rows only (every refused row is listed
# when a file is refused): 10,000 rows of HTML took a third of the preview's
# time and no one reads them; the page gives the counts of the whole file.
PREVIEW_ROWS = 100


# What an import reads of a value: the rest is neither shown nor written.
VALUE_COLUMNS = ("id", "submission_id", "indicator_id", *IMPORTED_FIELDS)
_SUBMISSION = Value._meta.get_field("submission")
_INDICATOR = Value._meta.get_field("indicator")


def _value_from_row(
    db: str, row: tuple, submission: Submission, indicator: Indicator
) -> Value:
    """A value as the database holds it, from a row of VALUE_COLUMNS, with
    its report and indicator (the ids match) in its cache: another field
    read would be loaded as a deferred one, never made up."""
    value = Value.from_db(db, VALUE_COLUMNS, row)
    _SUBMISSION.set_cached_value(value, submission)
    _INDICATOR.set_cached_value(value, indicator)
    return value


def _key_field(attribute: str, column: str, widget=None) -> fields.Field:
    return fields.Field(
        attribute=attribute,
        column_name=column,
        widget=widget or TextCell(),
        readonly=True,
    )


EXPORT_ORDER = [
    "submission__bloc_year__bloc__short_name",
    "submission__bloc_year__year",
    "board_dated",
    "indicator__order",
    "indicator__code",
]


class ValueResource(resources.ModelResource):
    bloc = _key_field("submission__bloc_year__bloc__short_name", "bloc")
    year = _key_field("submission__bloc_year__year", "year", YearCell())
    board = _key_field("submission__board__short_name", "board")
    indicator = _key_field("indicator__code", "indicator")
    # Export only, to read the file; ignored on import.
    indicator_name = _key_field("indicator__name", "indicator_name")
    # Read on import by import_instance: a row's figures in another unit of
    # the indicator's dimension are converted, in another kind refused.
    unit = _key_field("indicator__get_unit_display", "unit")
    plan = fields.Field(attribute="plan", column_name="plan", widget=NumberCell())
    actual = fields.Field(attribute="actual", column_name="actual", widget=NumberCell())

    class Meta:
        model = Value
        fields = (
            "bloc",
            "year",
            "board",
            "indicator",
            "indicator_name",
            "unit",
            "plan",
            "actual",
        )
        use_transactions = True
        # Rows write nothing (save_instance records the change for the one
        # write in after_import), so the library's savepoint around each row
        # was pure cost; use_bulk drops it, and since save_instance never
        # queues an instance, the library bulk-writes nothing either.
        use_bulk = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *, user=None, **kwargs):
        self._import_fields = None
        super().__init__(**kwargs)
        self.user = user
        self._reset()

    def _reset(self) -> None:
        # (bloc, year, board, indicator code): (row of VALUE_COLUMNS,
        # report, indicator).
        self._values: dict[tuple, tuple] = {}
        self._db = DEFAULT_DB_ALIAS
        self._blocs: set[str] = set()
        self._boards: dict[tuple, set[str]] = {}
        self._codes: dict[tuple, set[str]] = {}
        # Member boards of the importer's own years named in the file, and
        # those years whose reports are not all open (the file is refused).
        self._members: dict[tuple, set[str]] = {}
        self._unopened: set[tuple] = set()
        self._seen: dict[int, int] = {}
        self._changes: dict[int, dict[str, Decimal | None]] = {}
        self._typed: dict[int, dict[str, tuple[Decimal, str]]] = {}
        self._rates: dict[int, Decimal] = {}
        # (question, report id): its answer (``_per_report``).
        self._answers: dict[tuple, object] = {}
        self._shown = 0
        self._dry_run = True
        self.changed_submissions = []

    # Export --------------------------------------------------------------

    def _scoped(self, queryset: QuerySet[Value]) -> QuerySet[Value]:
        if self.user is None:
            return queryset.none()
        return (
            queryset.filter(submission__in=submissions_visible_to(self.user))
            .select_related(
                "submission__bloc_year__bloc", "submission__board", "indicator"
            )
            .annotate(
                # A year's rows name the board as it was called that year: a
                # rename never rewrites a closed year's export.
                board_dated=dated_board_field(
                    "short_name",
                    board="submission__board",
                    year="submission__bloc_year__year",
                )
            )
        )

    def dehydrate_board(self, value: Value) -> str:
        short_name = getattr(value, "board_dated", None)
        if short_name is None:
            short_name = value.submission.board.short_name
        return self.fields["board"].widget.render(short_name)

    def get_queryset(self):
        return self._scoped(Value.objects.all()).order_by(*EXPORT_ORDER)

    def filter_export(self, queryset, **kwargs):
        # Rows in the order of the year's names, whatever the list's order.
        return self._scoped(queryset).order_by(*EXPORT_ORDER)

    # Import --------------------------------------------------------------

    def get_import_fields(self):
        # The name and unit columns are there to read the exported file; an
        # import ignores them, so the preview neither lists nor diffs them
        # (rendering the unit's label for every row was a third of its time).
        # Asked several times per row: worked out once.
        if self._import_fields is None:
            self._import_fields = [
                f
                for f in super().get_import_fields()
                if f.column_name not in EXPORT_ONLY
            ]
        return self._import_fields

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An unchanged row is skipped, from the figures it was loaded with
        (so the confirm step needs no copy of each row to compare)."""
        if import_validation_errors:
            return False
        return all(
            getattr(instance, f) == instance.imported_from[f] for f in IMPORTED_FIELDS
        )

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        # All or nothing, whoever calls: one invalid row refuses the file.
        self._dry_run = dry_run
        result = super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=use_transactions,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )
        _hide_unexpected_errors(result)
        return result

    def before_import(self, dataset, **kwargs):
        dry_run = self._dry_run
        self._reset()
        self._dry_run = dry_run
        if self.user is None:
            self.user = kwargs.get("user")
        dataset.headers = [
            "" if h is None else str(h).strip().lower() for h in dataset.headers or []
        ]
        missing = [c for c in KEY_COLUMNS if c not in dataset.headers]
        if missing:
            raise ValidationError(
                _(
                    "The file lacks the columns %(columns)s. Export the data first "
                    "to get a file with the right columns."
                ),
                params={"columns": ", ".join(missing)},
            )
        if not any(c in dataset.headers for c in IMPORTED_FIELDS):
            raise ValidationError(
                _("The file has neither a plan nor an actual column: nothing to do.")
            )
        self._load(dataset)
        self._check_reports_open(dataset)

    def _check_reports_open(self, dataset) -> None:
        """One message for the whole file when its rows name member boards
        whose reports (or rows of them) are not open yet, saying what to run,
        instead of one refusal per row. Only the importer's own years are
        named; other rows get their own row errors."""
        unopened = set()
        for bloc, year, board, code in zip(
            dataset["bloc"],
            dataset["year"],
            dataset["board"],
            dataset["indicator"],
            strict=True,
        ):
            key = (cell_unescape(bloc), _year(year))
            board, code = cell_unescape(board), cell_unescape(code)
            if (
                key in self._members
                and board in self._members[key]
                and code in self._codes[key]
                and (*key, board, code) not in self._values
            ):
                unopened.add(key)
        self._unopened = unopened
        if unopened:
            raise ValidationError(
                _(
                    "The reports of %(years)s are not open for every member yet, "
                    "so their figures have nowhere to go. In “Reporting years”, "
                    "select the year, run “Open reports for every member”, then "
                    "import the file again."
                ),
                params={"years": ", ".join(f"{b} {y}" for b, y in sorted(unopened))},
            )

    def _load(self, dataset) -> None:
        """Everything the rows name, in a few queries, not a few per row."""
        pairs = {
            (cell_unescape(bloc), _year(year))
            for bloc, year in zip(dataset["bloc"], dataset["year"], strict=True)
        }
        pairs = {(bloc, year) for bloc, year in pairs if bloc and year is not None}
        names = {bloc for bloc, _year_ in pairs}
        self._blocs = set(
            Bloc.objects.filter(short_name__in=names).values_list(
                "short_name", flat=True
            )
        )
        query = Q(pk__in=[])
        for bloc, year in pairs:
            query |= Q(bloc__short_name=bloc, year=year)
        years = {
            by.pk: by for by in BlocYear.objects.filter(query).select_related("bloc")
        }
        self._rates = dict(
            ExchangeRate.objects.filter(bloc_year__in=list(years)).values_list(
                "bloc_year_id", "vnd_per_usd"
            )
        )
        for by in years.values():
            self._boards[(by.bloc.short_name, by.year)] = set()
            self._codes[(by.bloc.short_name, by.year)] = set()
        mine = [
            by.pk
            for by in years.values()
            if self.user is not None
            and (self.user.is_superuser or by.bloc_id == self.user.bloc_id)
        ]
        for by_id, board in Membership.objects.filter(bloc_year__in=mine).values_list(
            "bloc_year_id", "board__short_name"
        ):
            by = years[by_id]
            self._members.setdefault((by.bloc.short_name, by.year), set()).add(board)
        # Each report and indicator once, shared by its values: building the
        # same report, year, bloc and board again for each of 10,000 values
        # was most of the load.
        indicators = {}
        for ind in Indicator.objects.filter(bloc_year__in=list(years)):
            ind.bloc_year = years[ind.bloc_year_id]
            self._codes[(ind.bloc_year.bloc.short_name, ind.bloc_year.year)].add(
                ind.code
            )
            indicators[ind.pk] = ind
        submissions = {}
        for sub in Submission.objects.filter(bloc_year__in=list(years)).select_related(
            "board"
        ):
            sub.bloc_year = years[sub.bloc_year_id]
            submissions[sub.pk] = sub
        # Rows name boards as the export does: as they were called that year.
        boards_named_in_years((s.board, s.bloc_year.year) for s in submissions.values())
        # The values as rows of the columns an import reads, made instances
        # only for the rows of the file (get_instance): the queryset's
        # instances of a whole year's values were a fifth of the import.
        rows = Value.objects.filter(submission__in=list(submissions)).values_list(
            *VALUE_COLUMNS
        )
        self._db = rows.db
        for row in rows:
            sub, indicator = submissions[row[1]], indicators[row[2]]
            year_key = (sub.bloc_year.bloc.short_name, sub.bloc_year.year)
            self._boards[year_key].add(sub.board.short_name)
            key = (*year_key, sub.board.short_name, indicator.code)
            self._values[key] = (row, sub, indicator)

    def import_row(self, row, instance_loader, **kwargs):
        """The library's steps for one row, through the same hooks in the same
        order (before_import_row, get_instance, after_init_instance,
        import_instance, skip_row, validate_instance, save_instance,
        after_import_row), without what it adds around them for any model: a
        copy and a diff of each row, which only the preview shows and only
        for its first rows, and the text of each instance for the admin's
        log, which this import does not keep (skip_admin_log). An import
        never deletes (for_delete) and a value has no many-to-many fields
        (save_m2m). That machinery was most of a 10,000-row import's time."""
        result = self.get_row_result_class()()
        # The preview shows a part of the file: each row says which line.
        result.number = kwargs.get("row_number")
        if self._unopened or all(_blank(cell) for cell in row.values()):
            # A blank line changes nothing (spreadsheets often end with some);
            # with reports not open, the file's one message says what to do
            # and its rows are not refused one by one.
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        try:
            self.before_import_row(row, **kwargs)
            instance = self.get_instance(instance_loader, row)
            self.after_init_instance(instance, False, row, **kwargs)
            errors = {}
            try:
                self.import_instance(instance, row, **kwargs)
            except ValidationError as error:
                # Checked with the row's other rules in validate_instance.
                errors = error.update_error_dict(errors)
            if self.skip_row(instance, None, row, errors):
                result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                self.validate_instance(instance, errors)
                self.save_instance(instance, False, row, **kwargs)
                result.import_type = RowResult.IMPORT_TYPE_UPDATE
                if self._shown < PREVIEW_ROWS and not self._meta.skip_diff:
                    self._shown += 1
                    result.diff = self._preview_cells(instance)
            result.object_id = instance.pk
            result.instance = instance
            self.after_import_row(row, result, **kwargs)
        except ValidationError as error:
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = error
        except Exception as error:
            # Shown as one plain sentence, logged in full: see import_data.
            result.import_type = RowResult.IMPORT_TYPE_ERROR
            result.errors.append(
                self.get_error_result_class()(
                    error, row=row, number=kwargs.get("row_number")
                )
            )
        return result

    def _preview_cells(self, instance) -> list[str]:
        """The preview's cells of a changed row, the figures as they were and
        as the file makes them."""
        cells = []
        for field in self.get_import_fields():
            new = field.export(instance)
            old = new
            if field.attribute in IMPORTED_FIELDS:
                old = field.widget.render(instance.imported_from[field.attribute])
            cells.append(_diff_cell(old, new))
        return cells

    def get_instance(self, instance_loader, row):
        bloc = cell_unescape(row.get("bloc"))
        board = cell_unescape(row.get("board"))
        code = cell_unescape(row.get("indicator"))
        if not (bloc and board and code) or _blank(row.get("year")):
            raise ValidationError(_("Fill in the bloc, year, board and indicator."))
        year = _year(row.get("year"))
        params = {"bloc": bloc, "year": year, "board": board, "indicator": code}
        if year is None:
            raise ValidationError(
                _("“%(year)s” is not a year."), params={"year": row.get("year")}
            )
        if bloc not in self._blocs:
            raise ValidationError(_("There is no bloc “%(bloc)s”."), params=params)
        if (bloc, year) not in self._codes:
            raise ValidationError(
                _("The bloc %(bloc)s has no year %(year)s."), params=params
            )
        if board not in self._boards[(bloc, year)]:
            raise ValidationError(
                _("The board “%(board)s” has no report in %(bloc)s %(year)s."),
                params=params,
            )
        if code not in self._codes[(bloc, year)]:
            raise ValidationError(
                _(
                    "The indicator “%(indicator)s” is not in the catalogue of "
                    "%(bloc)s %(year)s."
                ),
                params=params,
            )
        loaded = self._values.get((bloc, year, board, code))
        if loaded is None:
            raise ValidationError(
                _(
                    "The report of %(board)s has no row for %(indicator)s yet: "
                    "open reports for every member first."
                ),
                params=params,
            )
        return _value_from_row(self._db, *loaded)

    def init_instance(self, row=None):
        # Never reached (get_instance finds a row or refuses), never wanted.
        raise ValidationError(_("An import never creates reports or indicators."))

    def after_init_instance(self, instance, new, row, **kwargs):
        number = kwargs.get("row_number")
        first = self._seen.setdefault(instance.pk, number)
        if first != number:
            raise ValidationError(
                _("This board and indicator are already on row %(row)s."),
                params={"row": first},
            )
        if not self._per_report(self._in_scope, instance.submission):
            raise ValidationError(
                _(
                    "You may only import into the reports of your own bloc: "
                    "%(bloc_year)s is not yours."
                ),
                params={"bloc_year": str(instance.submission.bloc_year)},
            )
        instance.imported_from = {f: getattr(instance, f) for f in IMPORTED_FIELDS}

    def import_instance(self, instance, row, **kwargs):
        """The row's plan and actual, read by their columns' widgets as the
        library would, without walking the key columns (read-only here)."""
        instance.typed = {}
        errors = {}
        for name in IMPORTED_FIELDS:
            field = self.fields[name]
            if field.column_name not in row:
                continue
            try:
                number = field.widget.clean(row[field.column_name], row=row)
                setattr(instance, field.attribute, number)
            except ValueError as error:
                errors[field.attribute] = ValidationError(
                    force_str(error), code="invalid"
                )
        if errors:
            raise ValidationError(errors)
        self._convert_units(instance, row)

    def _convert_units(self, instance, row) -> None:
        """The row's unit column: blank or the indicator's unit leaves the
        figures as they are; another unit of the same dimension converts
        them (money across VND and USD with the year's rate) and keeps them
        as typed; anything else refuses the row, saying why."""
        raw = cell_unescape(row.get("unit"))
        if not raw:
            return
        indicator = instance.indicator
        unit = units.unit_lookup(raw)
        if unit is None:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: ValidationError(
                        _(
                            "“%(unit)s” is not a unit the portal knows: write "
                            "%(target)s, or leave the unit empty."
                        ),
                        params={
                            "unit": raw,
                            "target": units.Unit(indicator.unit).label,
                        },
                    )
                }
            )
        if unit == indicator.unit:
            return
        errors = {}
        for field in IMPORTED_FIELDS:
            number = getattr(instance, field)
            if field not in row or number is None:
                continue
            try:
                converted = figure_convert(
                    indicator=indicator,
                    number=number,
                    unit=unit,
                    rate=self._rates.get(indicator.bloc_year_id),
                    year=indicator.bloc_year.year,
                )
            except ValidationError as error:
                errors[field] = error
                continue
            setattr(instance, field, converted)
            instance.typed[field] = (number, unit)
        if errors:
            raise ValidationError(errors)

    def validate_instance(
        self, instance, import_validation_errors=None, validate_unique=True
    ):
        """Only rows that change something or failed to parse get here
        (unchanged rows are skipped): the form's rules per number, then
        whether the report may change now."""
        errors = dict(import_validation_errors or {})
        changing = [
            f
            for f in IMPORTED_FIELDS
            if getattr(instance, f) != instance.imported_from[f]
        ]
        for field in changing:
            if field in errors:
                continue
            try:
                value_check(
                    indicator=instance.indicator,
                    field=field,
                    number=getattr(instance, field),
                )
            except ValidationError as error:
                errors[field] = error
        if changing or errors:
            refusal = self._per_report(self._refusal, instance.submission)
            if refusal is not None:
                # Beside the unit column's error, if any.
                prior = errors.get(NON_FIELD_ERRORS, [])
                if isinstance(prior, ValidationError):
                    prior = prior.error_list
                errors[NON_FIELD_ERRORS] = [*prior, *refusal.error_list]
        if errors:
            raise ValidationError(errors)

    def _per_report(self, ask: Callable[[Submission], T], submission: Submission) -> T:
        """``ask(submission)``, asked once per report of the file, not once
        per row: what an import asks of a report depends on the report alone."""
        key = (ask.__name__, submission.pk)
        if key not in self._answers:
            self._answers[key] = ask(submission)
        return self._answers[key]

    def _in_scope(self, submission: Submission) -> bool:
        return submission_in_import_scope(self.user, submission)

    def _refusal(self, submission: Submission) -> ValidationError | None:
        """Why the report may not change now (``submission_import_check``)."""
        try:
            submission_import_check(actor=self.user, submission=submission)
        except ValidationError as error:
            return error
        return None

    def save_instance(self, instance, is_create, row, **kwargs):
        # Nothing is written row by row: after_import hands every change of
        # the file to one audited service call.
        self._changes[instance.pk] = {
            f: getattr(instance, f) for f in IMPORTED_FIELDS if f in row
        }
        if getattr(instance, "typed", None):
            self._typed[instance.pk] = instance.typed

    def after_import(self, dataset, result, **kwargs):
        if (
            self._dry_run
            or result.has_errors()
            or result.has_validation_errors()
            or not self._changes
        ):
            return
        self.changed_submissions = values_import(
            changes=self._changes, actor=self.user, typed=self._typed
        )


class ValueConfirmResource(ValueResource):
    """The confirm step: the same rows and checks as the preview, without
    the per-row diff that only the preview page shows."""

    class Meta(ValueResource.Meta):
        skip_diff = True


# The template's columns, each explained on the import page: the import's
# own columns (KEY_COLUMNS, EXPORT_ONLY, IMPORTED_FIELDS) with the board's
# name added after its short name, to read, like the indicator's.
TEMPLATE_HELP = {
    "bloc": gettext_lazy(
        "The bloc's short name. Keep it as it is: it finds the year's reports."
    ),
    "year": gettext_lazy("The year, four digits (2024). Keep it as it is."),
    "board": gettext_lazy(
        "The board's short name, as in the list of boards. Keep it as it is: "
        "it finds the board's report."
    ),
    "board_name": gettext_lazy("The board's full name, to read; never imported."),
    "indicator": gettext_lazy(
        "The indicator's code in the year's catalogue. Keep it as it is: it "
        "finds the row of the report."
    ),
    "indicator_name": gettext_lazy("The indicator's name, to read; never imported."),
    "unit": gettext_lazy(
        "The indicator's unit of measure, to read: type the figures in this unit."
    ),
    "plan": gettext_lazy(
        "The plan (KH) registered for the year: a number cell, or a number "
        "written with a point for decimals and no thousands separator "
        "(2470.7); empty for none."
    ),
    "actual": gettext_lazy(
        "The result achieved: a number like the plan; 1 or 0 for a yes/no "
        "indicator; empty for not reported yet."
    ),
}


def bloc_years_for_import(user) -> QuerySet[BlocYear]:
    """The years whose reports ``user`` may import into, open ones only (a
    closed year never changes): all for a superuser, the own bloc's for its
    secretariat."""
    years = BlocYear.objects.exclude(status=BlocYear.Status.CLOSED)
    if user.is_active and user.is_superuser:
        pass
    elif user.is_active and is_secretariat(user):
        years = years.filter(bloc=user.bloc_id)
    else:
        years = years.none()
    return years.select_related("bloc").order_by("bloc__short_name", "-year")


def import_template(*, bloc_year: BlocYear, user) -> bytes:
    """An XLSX file to fill in and import: one row per board and indicator of
    ``bloc_year``, in the columns the import reads, with the names, units and
    current figures; imported unchanged, it changes nothing."""
    resource = ValueResource(user=user)
    rows = resource.get_queryset().filter(submission__bloc_year=bloc_year)
    dataset = resource.export(queryset=rows, force_native_type=True)
    # The same order as the export's rows (get_queryset orders them fully).
    names = [
        cell_escape(name)
        for name in rows.values_list("submission__board__name", flat=True)
    ]
    dataset.insert_col(dataset.headers.index("board") + 1, names, header="board_name")
    book = Workbook()
    sheet = book.active
    # A sheet's name may not hold []:*?/\ and has at most 31 characters.
    title = f"{bloc_year.bloc.short_name} {bloc_year.year}"
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "data"
    sheet.append(list(dataset.headers))
    for row in dataset:
        sheet.append(list(row))
    for column, header in zip(sheet.iter_cols(max_row=1), dataset.headers, strict=True):
        width = {"board_name": 40, "indicator_name": 50}.get(header, 14)
        sheet.column_dimensions[column[0].column_letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
