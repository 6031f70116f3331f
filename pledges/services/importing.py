"""The secretariat's spreadsheet import: how a cell becomes a number, which
rows a user may import, and the one audited write of a whole file.

The admin's import (``pledges/importexport.py``) checks every row with these
functions for its preview, and hands the confirmed changes to
``values_import`` in one transaction: nothing is written row by row.
"""

import math
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from blocs.models import BlocYear, User
from blocs.permissions import is_secretariat
from blocs.services import audit_record
from pledges.models import DECIMAL_PLACES, Indicator, Submission, Value
from pledges.permissions import can_review_submission
from pledges.services.reporting import (
    TYPED,
    _check_range,
    _fmt,
    typed_text,
    values_update,
)

S = Submission.Status
K = Indicator.Kind
IMPORTED_FIELDS = ("plan", "actual")
# What an import may write: the figures and, beside them, what was typed.
_WRITTEN = (*IMPORTED_FIELDS, *TYPED)

# The only text a number cell may hold: a dot for decimals, no grouping.
MACHINE_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# 2.470,7 or 1.229: a Vietnamese-formatted number, which a machine would
# read a thousand times too small (1.229 is 1229 to the secretariat).
LOCAL_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")
# A spreadsheet shows at most 15 significant digits of a float cell.
FLOAT_DIGITS = 15


def number_parse(raw) -> Decimal | None:
    """A spreadsheet cell as a number: blank is None; a number cell (XLSX)
    as shown by the spreadsheet; text only in machine format (2470.7)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationError(
            _("“%(value)s” is not a number. Write numbers like 2470.7."),
            params={"value": raw},
            code="invalid",
        )
    if isinstance(raw, int):
        number = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValidationError(
                _("“%(value)s” is not a number. Write numbers like 2470.7."),
                params={"value": raw},
                code="invalid",
            )
        number = Decimal(format(raw, f".{FLOAT_DIGITS}g"))
    elif isinstance(raw, Decimal):
        number = raw
    else:
        text = str(raw).strip()
        if "," in text or LOCAL_NUMBER.match(text):
            raise ValidationError(
                _(
                    "“%(value)s” looks like a number written the Vietnamese way. "
                    "Write it with a dot for decimals and no thousands separator, "
                    "e.g. 2470.7 (a value with three decimals gets a fourth zero: "
                    "12.3450)."
                ),
                params={"value": text},
                code="local_format",
            )
        if not MACHINE_NUMBER.match(text):
            raise ValidationError(
                _("“%(value)s” is not a number. Write numbers like 2470.7."),
                params={"value": text},
                code="invalid",
            )
        try:
            number = Decimal(text)
        except InvalidOperation as error:  # pragma: no cover - the regex forbids it
            raise ValidationError(
                _("“%(value)s” is not a number. Write numbers like 2470.7."),
                params={"value": text},
                code="invalid",
            ) from error
    if number.normalize().as_tuple().exponent < -DECIMAL_PLACES:
        raise ValidationError(
            _("“%(value)s” has more than %(places)s decimals."),
            params={"value": raw, "places": DECIMAL_PLACES},
            code="decimals",
        )
    return number


def number_text(number: Decimal) -> str:
    """A number as machine text that ``number_parse`` reads back exactly:
    2470.7, never 2470.7000 or 2.47E+3; 12.345 becomes 12.3450 so that it
    cannot be taken for Vietnamese grouping."""
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number
    text = format(number.normalize(), "f")
    return text + "0" if LOCAL_NUMBER.match(text) else text


def number_is_float_safe(number: Decimal) -> bool:
    """Whether a spreadsheet number cell keeps this value exactly."""
    return Decimal(format(float(number), f".{FLOAT_DIGITS}g")) == number


def value_check(*, indicator: Indicator, field: str, number: Decimal | None) -> None:
    """The rules of the board's form for one imported plan or actual."""
    if number is None:
        return
    name = indicator.name
    if field == "plan" and not indicator.has_plan:
        raise ValidationError(
            _("%(name)s has no plan: leave the plan empty."), params={"name": name}
        )
    if indicator.kind == K.TEXT:
        raise ValidationError(
            _("%(name)s is answered in words, not with a number: leave it empty."),
            params={"name": name},
        )
    if indicator.kind == K.BOOLEAN and number not in (0, 1):
        raise ValidationError(
            _("%(name)s is answered yes or no: write 1 for yes, 0 for no."),
            params={"name": name},
        )
    if indicator.kind == K.INTEGER and number != number.to_integral_value():
        raise ValidationError(
            _("%(name)s is counted in whole numbers."), params={"name": name}
        )
    _check_range(indicator, number)


def submission_in_import_scope(actor: User | None, submission: Submission) -> bool:
    """``can_review_submission`` without its closed-year rule: a row of a
    closed year that changes nothing is harmless, and a changed one gets
    the clearer message of ``submission_import_check``."""
    if actor is None or not actor.is_authenticated:
        return False
    return actor.is_superuser or (
        is_secretariat(actor) and submission.bloc_year.bloc_id == actor.bloc_id
    )


def submission_import_check(*, actor: User | None, submission: Submission) -> None:
    """Refuse an import that would change this report, with what to do."""
    bloc_year = submission.bloc_year
    if bloc_year.status == BlocYear.Status.CLOSED:
        raise ValidationError(
            _("The year %(year)s is closed: its data can no longer change."),
            params={"year": bloc_year.year},
        )
    if actor is None or not can_review_submission(actor, submission):
        raise ValidationError(
            _(
                "You may only import into the reports of your own bloc: "
                "%(bloc_year)s is not yours."
            ),
            params={"bloc_year": str(bloc_year)},
        )
    if submission.status == S.APPROVED:
        raise ValidationError(
            _(
                "The report of %(board)s is approved: reopen it for the board "
                "before importing new figures."
            ),
            params={"board": submission.board.short_name},
        )
    if submission.status == S.SUBMITTED:
        raise ValidationError(
            _(
                "The report of %(board)s is submitted and waiting for review: "
                "return it for correction before importing new figures."
            ),
            params={"board": submission.board.short_name},
        )


@transaction.atomic
def values_import(
    *,
    changes: dict[int, dict[str, Decimal | None]],
    actor: User,
    typed: dict[int, dict[str, tuple[Decimal, str]]] | None = None,
) -> list[Submission]:
    """Write the plans and actuals of an import, given as {value id: {"plan"
    or "actual": number or None}}, all or nothing. ``typed`` holds, for the
    figures the file gave in another unit, {value id: {field: (number as
    typed, unit)}}: kept beside the converted figure; a changed figure given
    in the indicator's unit drops what was typed before. Each changed report
    gets its version bumped (so a board's open form notices) and one audit
    event {indicator code: {field: [old, new]}}. Returns the changed reports."""
    typed = typed or {}
    # The reports first, locked, then their values: what is compared and
    # audited below is what no one else can change until this commits.
    submissions = {
        sub.pk: sub
        for sub in Submission.objects.select_for_update(of=("self",))
        .select_related("bloc_year__bloc", "board")
        .filter(pk__in=Value.objects.filter(pk__in=list(changes)).values("submission"))
        .order_by("pk")
    }
    # Only the columns an import reads and writes, made instances from
    # plain rows, and each indicator once: the queryset's instances of
    # 10,000 values and their indicators were a third of a large write.
    columns = ("id", "submission_id", "indicator_id", *_WRITTEN)
    rows = Value.objects.filter(pk__in=list(changes)).values_list(*columns)
    values = [Value.from_db(rows.db, columns, row) for row in rows]
    if len(values) != len(changes):
        raise ValidationError(
            _("Some reports changed while you were importing: import the file again.")
        )
    indicators = Indicator.objects.in_bulk({v.indicator_id for v in values})
    by_submission: dict[int, dict[str, dict]] = defaultdict(dict)
    checked: set[int] = set()
    # Values by the fields they change: one statement for each such set.
    changed: dict[tuple[str, ...], list[Value]] = defaultdict(list)
    # The fields not written, once per such set.
    unwritten: dict[tuple[str, ...], frozenset[str]] = {}
    for value in values:
        indicator = indicators[value.indicator_id]
        row: dict[str, list] = {}
        written: list[str] = []
        for field, new in changes[value.pk].items():
            if field not in IMPORTED_FIELDS:
                raise ValueError(field)
            old = getattr(value, field)
            if old == new:
                continue
            value_check(indicator=indicator, field=field, number=new)
            setattr(value, field, new)
            written.append(field)
            row[field] = [_fmt(old), _fmt(new)]
            as_typed = typed.get(value.pk, {}).get(field, (None, ""))
            old_typed = (
                getattr(value, f"{field}_entered"),
                getattr(value, f"{field}_entered_unit"),
            )
            if as_typed != old_typed:
                setattr(value, f"{field}_entered", as_typed[0])
                setattr(value, f"{field}_entered_unit", as_typed[1])
                written += [f"{field}_entered", f"{field}_entered_unit"]
                row[f"{field}_entered"] = [
                    typed_text(old_typed),
                    typed_text(as_typed),
                ]
        if row:
            if value.submission_id not in checked:
                # Once per report: its answer depends on the report alone.
                submission_import_check(
                    actor=actor, submission=submissions[value.submission_id]
                )
                checked.add(value.submission_id)
            # The model's own checks (digits, decimals, units) of the written
            # fields alone: the others are not written (nor loaded), and a
            # value's constraints are on its report and indicator, which an
            # import never changes.
            fields = tuple(written)
            if fields not in unwritten:
                unwritten[fields] = frozenset(
                    f.name for f in Value._meta.concrete_fields if f.name not in fields
                )
            value.clean_fields(exclude=unwritten[fields])
            by_submission[value.submission_id][indicator.code] = row
            changed[fields].append(value)
    for fields, group in changed.items():
        values_update(group, fields)
    # Only the versions change (the form notices): one statement, not a
    # validated save per report; the values were validated one by one above.
    Submission.objects.filter(pk__in=list(by_submission)).update(
        version=F("version") + 1
    )
    done = []
    for sub_id, sub_changes in by_submission.items():
        sub = submissions[sub_id]
        sub.version += 1
        audit_record(
            actor=actor, action="submission.import", obj=sub, changes=sub_changes
        )
        done.append(sub)
    return done


# Limits of an imported file, checked before the spreadsheet is parsed: a
# zip's directory says how big its members unpack, so a small XLSX that
# unpacks to hundreds of megabytes (a long comment in the sheet XML) is
# refused before anything is decompressed. A whole ministry's year (20 blocs
# x 15 boards x 50 indicators) is 15,000 rows of 8 columns.
IMPORT_MAX_BYTES = 20 * 1024 * 1024
IMPORT_MAX_UNPACKED = 40 * 1024 * 1024
IMPORT_MAX_MEMBERS = 200
IMPORT_MAX_ROWS = 20_000
IMPORT_MAX_COLUMNS = 30
IMPORT_MAX_CELL = 2_000
_CHUNK = 1024 * 1024
_XLSX_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_XLSX_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})\d+\"")
_XLSX_LONG_TEXT = re.compile(
    rb"<(?:\w+:)?(?:v|t)(?:\s[^>]*)?>([^<]{%d,})" % (IMPORT_MAX_CELL + 1)
)


def _too_big() -> ValidationError:
    return ValidationError(
        _(
            "The file is too large to import (more than %(mb)s MB once unpacked): "
            "import one bloc-year at a time."
        ),
        params={"mb": IMPORT_MAX_UNPACKED // (1024 * 1024)},
    )


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _("The file has more than %(rows)s rows: import one bloc-year at a time."),
        params={"rows": f"{IMPORT_MAX_ROWS:,}".replace(",", ".")},
    )


def _too_many_columns() -> ValidationError:
    return ValidationError(
        _(
            "The file has more than %(columns)s columns: export the data first to "
            "get a file with the right columns."
        ),
        params={"columns": IMPORT_MAX_COLUMNS},
    )


def _cell_too_long() -> ValidationError:
    return ValidationError(
        _("A cell of the file holds more than %(chars)s characters."),
        params={"chars": f"{IMPORT_MAX_CELL:,}".replace(",", ".")},
    )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _xlsx_check(upload) -> None:
    import zipfile

    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as error:
        raise ValidationError(
            _("The file is not an Excel workbook (.xlsx): choose the CSV format?")
        ) from error
    with archive:
        members = archive.infolist()
        # The sizes the directory declares bound what any reader unpacks:
        # Python's zipfile stops at the declared size and fails the CRC.
        if len(members) > IMPORT_MAX_MEMBERS or (
            sum(m.file_size for m in members) > IMPORT_MAX_UNPACKED
        ):
            raise _too_big()
        sheets = [
            m
            for m in members
            if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
        ]
        strings = [m for m in members if m.filename == "xl/sharedStrings.xml"]
        for member in sheets + strings:
            rows, widest = 0, 0
            tail = b""
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    # A tag cut between two chunks is found in the next one.
                    block = tail + chunk
                    if _XLSX_LONG_TEXT.search(block):
                        raise _cell_too_long()
                    if member in sheets:
                        rows += len(_XLSX_ROW.findall(block, len(tail)))
                        for letters in _XLSX_CELL_REF.findall(block):
                            widest = max(widest, _column_number(letters))
                        if rows > IMPORT_MAX_ROWS + 1:
                            raise _too_many_rows()
                        if widest > IMPORT_MAX_COLUMNS:
                            raise _too_many_columns()
                    tail = block[-(IMPORT_MAX_CELL + 64) :]
                    tail = tail[tail.rfind(b"<") :] if b"<" in tail else b""


def _csv_check(upload, encoding: str) -> None:
    import csv
    import io

    text = io.TextIOWrapper(upload, encoding=encoding, errors="replace", newline="")
    # The csv module refuses a field beyond its limit while it reads, so a
    # single huge cell is never held whole.
    limit = csv.field_size_limit()
    csv.field_size_limit(IMPORT_MAX_CELL)
    try:
        for number, row in enumerate(csv.reader(text), start=1):
            if number > IMPORT_MAX_ROWS + 1:
                raise _too_many_rows()
            if len(row) > IMPORT_MAX_COLUMNS:
                raise _too_many_columns()
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise _cell_too_long() from error
        raise ValidationError(
            _("The file is not a readable CSV file: %(error)s"),
            params={"error": str(error)},
        ) from error
    finally:
        csv.field_size_limit(limit)
        text.detach()


def import_file_check(*, upload, binary: bool, encoding: str = "utf-8-sig") -> None:
    """Refuse, before it is parsed, a file to import that is too big: its
    size, what an XLSX unpacks to (from the zip's directory, before anything
    is decompressed), its rows, its columns and its longest cell. ``upload``
    is a seekable binary file, left at its start; ``binary`` is true for
    XLSX. Raises a ValidationError with the reason."""
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(0)
    if size > IMPORT_MAX_BYTES:
        raise _too_big()
    try:
        if binary:
            _xlsx_check(upload)
        else:
            _csv_check(upload, encoding)
    finally:
        upload.seek(0)
