"""The secretariat's spreadsheet import and export of plans and results."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from blocs import services as bloc_services
from blocs.models import AuditEvent, BlocYear
from pledges import services
from pledges.importexport import ValueResource
from pledges.models import Indicator, Submission, Value
from tests import factories

HEADERS = ["bloc", "year", "board", "indicator", "plan", "actual"]
IMPORT = "admin:pledges_value_import"
PROCESS = "admin:pledges_value_process_import"
EXPORT = "admin:pledges_value_export"
CSV, XLSX = "0", "1"  # indices of ValueAdmin.formats


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English, their msgids (the Vietnamese
    translations come with the catalogue)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client_for, settings):
    """The shared client_for, asking the admin for English pages."""

    def login(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


@pytest.fixture
def ready(world):
    """Both blocs' years with the default catalogue and a report per member."""
    for year in (world.own_year, world.other_year):
        services.indicators_copy(bloc_year=year, actor=None)
        services.submissions_prepare(bloc_year=year, actor=None)
    return world


def _row(year: BlocYear, board, code, plan="", actual="") -> list:
    return [year.bloc.short_name, year.year, board.short_name, code, plan, actual]


def _csv(rows, headers=HEADERS) -> bytes:
    return tablib.Dataset(*rows, headers=headers).export("csv").encode()


def _value(board, code, year) -> Value:
    return Value.objects.get(
        submission__board=board, submission__bloc_year=year, indicator__code=code
    )


def _import(user, rows, *, dry_run=True, headers=HEADERS):
    dataset = tablib.Dataset(*rows, headers=headers)
    return ValueResource(user=user).import_data(dataset, dry_run=dry_run)


def _errors(result) -> list[tuple[int, str]]:
    return [
        (row.number, message)
        for row in result.invalid_rows
        for messages in row.error_dict.values()
        for message in messages
    ]


def _upload(client, content: bytes, fmt=CSV, name="values.csv"):
    return client.post(
        reverse(IMPORT),
        {
            "resource": "0",
            "format": fmt,
            "import_file": SimpleUploadedFile(name, content),
        },
    )


def _confirm(client, preview):
    form = preview.context["confirm_form"]
    return client.post(reverse(PROCESS), {k: v for k, v in form.initial.items()})


def _export(client, fmt, bloc_year=None) -> bytes:
    url = reverse(EXPORT)
    if bloc_year is not None:
        url += f"?submission__bloc_year__id__exact={bloc_year.pk}"
    response = client.post(url, {"resource": "0", "format": fmt})
    assert response.status_code == 200, response.content[:500]
    return response.content


def _good_cells(indicator: Indicator, n: int) -> tuple[str, str]:
    """A plan and an actual the board's form would accept for this indicator."""
    if indicator.kind == Indicator.Kind.TEXT:
        return "", ""
    if indicator.kind == Indicator.Kind.BOOLEAN:
        return "", str(n % 2)
    if indicator.kind == Indicator.Kind.INTEGER:
        actual = str(n % 700)
    elif indicator.max_value is not None:
        actual = f"{n % 100}.5"
    else:
        actual = f"{1000 + n}.663"
    return (actual if indicator.has_plan else ""), actual


# a. A thousand rows ----------------------------------------------------------


def _thousand_rows(year):
    values = (
        Value.objects.filter(submission__bloc_year=year)
        .select_related("submission__board", "indicator")
        .order_by("submission__board__short_name", "indicator__order")[:1000]
    )
    rows, expected = [], {}
    for n, value in enumerate(values):
        plan, actual = _good_cells(value.indicator, n)
        rows.append(
            _row(year, value.submission.board, value.indicator.code, plan, actual)
        )
        expected[value.pk] = (D(plan) if plan else None, D(actual) if actual else None)
    return rows, expected


def test_thousand_rows_with_one_bad_row_show_its_error_and_change_nothing(
    big_year, world, client_for
):
    rows, _expected = _thousand_rows(big_year)
    assert len(rows) == 1000
    bad = next(i for i, row in enumerate(rows) if row[3] == "export" and i > 400)
    rows[bad][5] = "abc"
    client = client_for(world.users["secretariat"])

    preview = _upload(client, _csv(rows))

    assert preview.status_code == 200
    result = preview.context["result"]
    assert _errors(result) == [
        (bad + 1, "“abc” is not a number. Write numbers like 2470.7.")
    ]
    assert "confirm_form" not in preview.context
    page = preview.content.decode()
    assert f"<td>{bad + 1}</td>" in page
    assert "“abc” is not a number" in page
    stored = Value.objects.filter(submission__bloc_year=big_year)
    assert not stored.filter(actual__isnull=False).exists()
    assert not stored.filter(plan__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="submission.import").exists()


def test_thousand_clean_rows_are_stored_through_the_admin_confirm_step(
    big_year, world, client_for
):
    rows, expected = _thousand_rows(big_year)
    client = client_for(world.users["secretariat"])

    preview = _upload(client, _csv(rows))
    assert not preview.context["result"].has_validation_errors()
    stored = Value.objects.filter(submission__bloc_year=big_year)
    assert not stored.filter(actual__isnull=False).exists()  # preview only
    done = _confirm(client, preview)

    assert done.status_code == 302
    assert done["Location"] == reverse("admin:pledges_value_changelist")
    got = dict(
        (pk, (plan, actual))
        for pk, plan, actual in stored.filter(pk__in=expected).values_list(
            "pk", "plan", "actual"
        )
    )
    assert got == expected
    touched = {s for s in stored.filter(pk__in=expected).values_list("submission")}
    assert AuditEvent.objects.filter(action="submission.import").count() == len(touched)


# b. Export, then import the same file -----------------------------------------

ROUND_TRIP = {
    "export": ("2400", "2331.663"),
    # 15 significant digits: SQLite keeps no more (PostgreSQL keeps all 20).
    "new-capital-usd": ("0.0001", "12345678901.2345"),
    "new-capital-vnd": ("12.3450", "1000"),  # 12.345: see the CSV test
    "revenue": ("", "-5.25"),  # allowed negative below
    "new-projects": ("12", "7"),
    "occupancy": ("99.99", "87.5"),
    "task-reform": ("", "1"),
}


@pytest.fixture
def filled(ready):
    """Varied figures for two own boards, set by an import."""
    # No service edits an indicator: the secretariat does it in its admin form.
    Indicator.objects.filter(bloc_year=ready.own_year, code="revenue").update(
        allow_negative=True
    )
    rows = [
        _row(ready.own_year, board, code, plan, actual)
        for board in ready.own_boards[:2]
        for code, (plan, actual) in ROUND_TRIP.items()
    ]
    result = _import(ready.users["secretariat"], rows, dry_run=False)
    assert not result.has_validation_errors(), _errors(result)
    assert not result.has_errors()
    return ready


def _figures(year) -> dict:
    return {
        (board, code): (plan, actual)
        for board, code, plan, actual in Value.objects.filter(
            submission__bloc_year=year
        ).values_list("submission__board", "indicator__code", "plan", "actual")
    }


def _wipe(world):
    rows = [
        _row(world.own_year, board, code, "", "")
        for board in world.own_boards[:2]
        for code in ROUND_TRIP
    ]
    result = _import(world.users["secretariat"], rows, dry_run=False)
    assert not result.has_validation_errors(), _errors(result)


@pytest.mark.parametrize(("fmt", "name"), [(CSV, "values.csv"), (XLSX, "values.xlsx")])
def test_exported_file_imports_back_to_the_same_figures(filled, client_for, fmt, name):
    client = client_for(filled.users["secretariat"])
    before = _figures(filled.own_year)
    assert before[(filled.own_boards[0].pk, "export")] == (D("2400"), D("2331.663"))
    content = _export(client, fmt, filled.own_year)
    _wipe(filled)
    assert _figures(filled.own_year) != before

    preview = _upload(client, content, fmt, name)
    assert not preview.context["result"].has_validation_errors(), _errors(
        preview.context["result"]
    )
    assert _confirm(client, preview).status_code == 302

    assert _figures(filled.own_year) == before


def test_csv_export_writes_plain_machine_numbers(filled, client_for):
    client = client_for(filled.users["secretariat"])
    data = tablib.Dataset().load(_export(client, CSV, filled.own_year).decode(), "csv")
    assert data.headers == [
        "bloc",
        "year",
        "board",
        "indicator",
        "indicator_name",
        "unit",
        "plan",
        "actual",
    ]
    board = filled.own_boards[0].short_name
    cells = {(r[2], r[3]): (r[6], r[7]) for r in data}
    assert cells[(board, "export")] == ("2400", "2331.663")
    assert cells[(board, "new-capital-usd")] == ("0.0001", "12345678901.2345")
    # 12.345 would read as Vietnamese grouping (12345): a fourth decimal says not.
    assert cells[(board, "new-capital-vnd")] == ("12.3450", "1000")
    assert cells[(board, "revenue")] == ("", "-5.25")  # a number, not escaped
    assert {r[1] for r in data} == {str(filled.own_year.year)}


def test_xlsx_export_has_number_cells_where_exact(filled, client_for):
    client = client_for(filled.users["secretariat"])
    book = openpyxl.load_workbook(io.BytesIO(_export(client, XLSX, filled.own_year)))
    rows = list(book.active.iter_rows(values_only=True))
    board = filled.own_boards[0].short_name
    cells = {(r[2], r[3]): (r[1], r[6], r[7]) for r in rows[1:]}
    assert cells[(board, "export")] == (filled.own_year.year, 2400, 2331.663)
    assert cells[(board, "revenue")] == (filled.own_year.year, None, -5.25)
    assert cells[(board, "new-capital-usd")] == (
        filled.own_year.year,
        0.0001,
        12345678901.2345,
    )


@pytest.mark.parametrize(
    ("stored", "csv", "xlsx"),
    [
        (D("2470.7000"), "2470.7", 2470.7),
        (D("1000.0000"), "1000", 1000),
        (D("-5.2500"), "-5.25", -5.25),
        (D("12.3450"), "12.3450", 12.345),
        (D("0.0001"), "0.0001", 0.0001),
        # 16 significant digits do not survive a number cell: exact as text.
        (D("123456789012.3456"), "123456789012.3456", "123456789012.3456"),
        (D("999999999999999.9999"), "999999999999999.9999", "999999999999999.9999"),
        (None, "", None),
    ],
)
def test_numbers_render_so_that_they_read_back_exactly(stored, csv, xlsx):
    widget = ValueResource().fields["actual"].widget
    assert widget.render(stored) == csv
    assert widget.render(stored, force_native_type=True) == xlsx
    assert widget.clean(csv) == stored
    assert widget.clean(xlsx) == stored


# c. Refused rows ------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "plan", "actual", "message"),
    [
        ("export", "", "2.470,7", "e.g. 2470.7"),
        ("export", "", "1.229", "looks like a number written the Vietnamese way"),
        ("export", "", "2470,7", "looks like a number written the Vietnamese way"),
        ("export", "", "abc", "is not a number"),
        ("export", "", "1e5", "is not a number"),
        ("export", "", "-3", "cannot be negative"),
        ("export", "", "1000000000000001", "cannot exceed"),
        ("occupancy", "", "100.5", "cannot exceed"),
        ("export", "", "1.23456", "more than 4 decimals"),
        ("import", "5", "", "has no plan"),
        ("new-projects", "", "2.5", "whole numbers"),
        ("task-reform", "", "2", "write 1 for yes, 0 for no"),
        ("task-emulation", "", "3", "answered in words"),
    ],
)
def test_bad_cells_are_refused_with_a_message(ready, code, plan, actual, message):
    row = _row(ready.own_year, ready.own_boards[0], code, plan, actual)
    result = _import(ready.users["secretariat"], [row], dry_run=False)
    [(number, text)] = _errors(result)
    assert number == 1
    assert message in text
    value = _value(ready.own_boards[0], code, ready.own_year)
    assert (value.plan, value.actual) == (None, None)


def test_vietnamese_formatted_text_is_refused_in_the_admin_preview(ready, client_for):
    client = client_for(ready.users["secretariat"])
    rows = [
        _row(ready.own_year, ready.own_boards[0], "budget", "", "10"),
        _row(ready.own_year, ready.own_boards[0], "export", "", "2.470,7"),
    ]
    preview = _upload(client, _csv(rows))
    assert _errors(preview.context["result"]) == [
        (
            2,
            "“2.470,7” looks like a number written the Vietnamese way. Write it "
            "with a dot for decimals and no thousands separator, e.g. 2470.7 (a "
            "value with three decimals gets a fourth zero: 12.3450).",
        )
    ]
    assert "confirm_form" not in preview.context


def test_secretariat_cannot_import_into_another_bloc(ready):
    rows = [
        _row(ready.own_year, ready.own_boards[0], "export", "", "10"),
        _row(ready.other_year, ready.other_boards[0], "export", "", "10"),
    ]
    result = _import(ready.users["secretariat"], rows, dry_run=False)
    assert _errors(result) == [
        (
            2,
            "You may only import into the reports of your own bloc: "
            f"{ready.other_year} is not yours.",
        )
    ]
    # All or nothing: the valid first row was not written either.
    assert _value(ready.own_boards[0], "export", ready.own_year).actual is None
    assert _value(ready.other_boards[0], "export", ready.other_year).actual is None


def _approved(world, board) -> Submission:
    submission = Submission.objects.get(board=board, bloc_year=world.own_year)
    officer = factories.user(role="board_officer", board=board)
    submission = services.submission_submit(
        submission=submission, actor=officer, expected_version=submission.version
    )
    return services.submission_approve(
        submission=submission, actor=world.users["secretariat"]
    )


def test_an_approved_report_is_refused_until_reopened(ready):
    _approved(ready, ready.own_boards[1])
    rows = [_row(ready.own_year, ready.own_boards[1], "export", "", "10")]
    result = _import(ready.users["secretariat"], rows, dry_run=False)
    [(_number, text)] = _errors(result)
    assert "is approved: reopen it" in text
    assert _value(ready.own_boards[1], "export", ready.own_year).actual is None


def test_a_submitted_report_is_refused_until_returned(ready):
    board = ready.own_boards[1]
    submission = Submission.objects.get(board=board, bloc_year=ready.own_year)
    services.submission_submit(
        submission=submission,
        actor=factories.user(role="board_officer", board=board),
        expected_version=submission.version,
    )
    rows = [_row(ready.own_year, board, "export", "", "10")]
    result = _import(ready.users["secretariat"], rows, dry_run=False)
    [(_number, text)] = _errors(result)
    assert "waiting for review: return it for correction" in text
    assert _value(board, "export", ready.own_year).actual is None


def test_unchanged_rows_of_an_approved_report_are_no_error(ready):
    _approved(ready, ready.own_boards[1])
    rows = [
        _row(ready.own_year, ready.own_boards[1], "export", "", ""),
        _row(ready.own_year, ready.own_boards[0], "export", "", "10"),
    ]
    result = _import(ready.users["secretariat"], rows, dry_run=False)
    assert not result.has_validation_errors(), _errors(result)
    assert _value(ready.own_boards[0], "export", ready.own_year).actual == D(10)


def test_a_closed_year_is_refused(ready):
    bloc_services.bloc_year_upsert(
        bloc=ready.own, year=ready.own_year.year, status=BlocYear.Status.CLOSED
    )
    rows = [_row(ready.own_year, ready.own_boards[0], "export", "", "10")]
    result = _import(ready.users["superuser"], rows, dry_run=False)
    [(_number, text)] = _errors(result)
    assert (
        text
        == f"The year {ready.own_year.year} is closed: its data can no longer change."
    )


@pytest.mark.parametrize(
    ("column", "typed", "message"),
    [
        (0, "NO-SUCH-BLOC", "There is no bloc “NO-SUCH-BLOC”."),
        (1, "1999", "has no year 1999"),
        (1, "year", "“year” is not a year."),
        (2, "NO-SUCH-BOARD", "The board “NO-SUCH-BOARD” has no report in"),
        (3, "no-such-code", "The indicator “no-such-code” is not in the catalogue"),
        (3, "", "Fill in the bloc, year, board and indicator."),
    ],
)
def test_unknown_names_are_row_errors_naming_them(ready, column, typed, message):
    row = _row(ready.own_year, ready.own_boards[0], "export", "", "10")
    row[column] = typed
    result = _import(ready.users["superuser"], [row], dry_run=False)
    [(_number, text)] = _errors(result)
    assert message in text
    assert not Submission.objects.filter(bloc_year__year=1999).exists()
    assert Value.objects.filter(actual__isnull=False).count() == 0


def test_a_row_given_twice_is_refused(ready):
    row = _row(ready.own_year, ready.own_boards[0], "export", "", "10")
    result = _import(ready.users["secretariat"], [row, [*row[:5], "11"]], dry_run=False)
    assert _errors(result) == [(2, "This board and indicator are already on row 1.")]


def test_a_file_without_the_key_columns_is_refused(ready):
    result = _import(
        ready.users["secretariat"],
        [["x", "1"]],
        headers=["something", "actual"],
        dry_run=False,
    )
    assert result.has_errors()
    assert "bloc, year, board, indicator" in str(result.base_errors[0].error)


def test_a_row_that_became_invalid_before_the_confirm_step_imports_nothing(
    ready, client_for
):
    client = client_for(ready.users["secretariat"])
    rows = [
        _row(ready.own_year, ready.own_boards[0], "export", "", "10"),
        _row(ready.own_year, ready.own_boards[1], "export", "", "20"),
    ]
    preview = _upload(client, _csv(rows))
    assert "confirm_form" in preview.context
    _approved(ready, ready.own_boards[1])  # meanwhile

    done = _confirm(client, preview)

    assert done["Location"] == reverse(IMPORT)
    page = client.get(reverse(IMPORT)).content.decode()
    assert "Nothing was imported: row 2" in page
    assert _value(ready.own_boards[0], "export", ready.own_year).actual is None
    assert not AuditEvent.objects.filter(action="submission.import").exists()


# d. Who may import and export -------------------------------------------------


def test_board_officer_is_sent_to_the_admin_login(ready, client_for):
    client = client_for(ready.users["board_officer"])
    for name in (IMPORT, EXPORT, "admin:pledges_value_changelist"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert client.post(reverse(PROCESS), {}).status_code == 302


def test_ministry_viewer_cannot_import_but_can_export(ready, client_for):
    client = client_for(ready.users["ministry"])
    assert client.get(reverse(IMPORT)).status_code == 403
    rows = [_row(ready.own_year, ready.own_boards[0], "export", "", "10")]
    assert _upload(client, _csv(rows)).status_code == 403
    assert client.post(reverse(PROCESS), {"format": CSV}).status_code == 403
    assert _value(ready.own_boards[0], "export", ready.own_year).actual is None

    assert client.get(reverse(EXPORT)).status_code == 200
    data = tablib.Dataset().load(_export(client, CSV).decode(), "csv")
    assert {r[0] for r in data} == {ready.own.short_name, ready.other.short_name}


def test_secretariat_exports_only_its_own_bloc(ready, client_for):
    client = client_for(ready.users["other_secretariat"])
    data = tablib.Dataset().load(_export(client, CSV).decode(), "csv")
    assert len(data) == 3 * 28
    assert {r[0] for r in data} == {ready.other.short_name}


def test_value_admin_is_read_only_apart_from_import(ready, client_for):
    client = client_for(ready.users["secretariat"])
    value = _value(ready.own_boards[0], "export", ready.own_year)
    changelist = client.get(reverse("admin:pledges_value_changelist"))
    assert changelist.status_code == 200
    assert reverse(IMPORT) in changelist.content.decode()
    assert client.get(reverse(IMPORT)).status_code == 200
    assert client.get(reverse("admin:pledges_value_add")).status_code == 403
    url = reverse("admin:pledges_value_change", args=[value.pk])
    assert client.post(url, {"actual": "5"}).status_code == 403
    other = _value(ready.other_boards[0], "export", ready.other_year)
    url = reverse("admin:pledges_value_change", args=[other.pk])
    assert client.get(url).status_code == 302  # outside its scope: not found


# e. Formula injection ---------------------------------------------------------


@pytest.fixture
def formula_board(ready):
    board = factories.board(short_name='=HYPERLINK("http://evil.example","x")')
    bloc_services.membership_set(bloc_year=ready.own_year, board=board)
    services.submissions_prepare(bloc_year=ready.own_year, actor=None)
    return board


def test_formula_like_text_is_neutralised_on_export(ready, formula_board, client_for):
    client = client_for(ready.users["secretariat"])
    escaped = "'" + formula_board.short_name

    data = tablib.Dataset().load(_export(client, CSV, ready.own_year).decode(), "csv")
    assert escaped in {r[2] for r in data}
    assert not any(str(cell).startswith("=") for row in data for cell in row)

    content = _export(client, XLSX, ready.own_year)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert escaped in {cell.value for cell in cells}
    assert all(cell.data_type != "f" for cell in cells)

    # The escaped name still finds the board on the way back in.
    data = tablib.Dataset().load(_export(client, CSV, ready.own_year).decode(), "csv")
    for row in data:
        if row[2] == escaped and row[3] == "export":
            row_index = data.dict.index(dict(zip(data.headers, row, strict=True)))
    cells = list(data[row_index])
    cells[7] = "42"
    data[row_index] = cells
    preview = _upload(client, data.export("csv").encode())
    assert not preview.context["result"].has_validation_errors(), _errors(
        preview.context["result"]
    )
    _confirm(client, preview)
    assert _value(formula_board, "export", ready.own_year).actual == D(42)


# f. Audit and versions --------------------------------------------------------


def test_one_audit_event_per_changed_report_with_old_and_new_values(ready):
    own = ready.own_boards
    secretariat = ready.users["secretariat"]
    versions = dict(
        Submission.objects.filter(bloc_year=ready.own_year).values_list(
            "board", "version"
        )
    )
    rows = [
        _row(ready.own_year, own[0], "export", "2400", "2470.7"),
        _row(ready.own_year, own[0], "budget", "", "15"),
        _row(ready.own_year, own[1], "export", "", "1000"),
        _row(ready.own_year, own[2], "export", "", ""),  # unchanged
    ]
    result = _import(secretariat, rows, dry_run=False)
    assert not result.has_validation_errors(), _errors(result)

    events = AuditEvent.objects.filter(action="submission.import")
    assert events.count() == 2
    first = events.get(object_id=str(Submission.objects.get(board=own[0]).pk))
    assert first.actor == secretariat
    assert first.changes == {
        "export": {"plan": [None, "2400"], "actual": [None, "2470.7"]},
        "budget": {"actual": [None, "15"]},
    }
    now = dict(
        Submission.objects.filter(bloc_year=ready.own_year).values_list(
            "board", "version"
        )
    )
    assert now[own[0].pk] == versions[own[0].pk] + 1
    assert now[own[1].pk] == versions[own[1].pk] + 1
    assert now[own[2].pk] == versions[own[2].pk]

    rows = [_row(ready.own_year, own[0], "export", "2400", "2331.663")]
    _import(secretariat, rows, dry_run=False)
    latest = events.filter(object_id=first.object_id).first()
    assert latest.changes == {"export": {"actual": ["2470.7", "2331.663"]}}
    assert Submission.objects.get(board=own[0]).version == versions[own[0].pk] + 2


def test_a_dry_run_writes_no_audit_and_keeps_the_version(ready):
    rows = [_row(ready.own_year, ready.own_boards[0], "export", "", "5")]
    result = _import(ready.users["secretariat"], rows, dry_run=True)
    assert result.totals["update"] == 1
    assert not AuditEvent.objects.filter(action="submission.import").exists()
    assert Submission.objects.get(board=ready.own_boards[0]).version == 1
    assert _value(ready.own_boards[0], "export", ready.own_year).actual is None


def test_the_board_form_notices_an_import_made_while_it_was_open(ready):
    board = ready.own_boards[2]
    submission = Submission.objects.get(board=board, bloc_year=ready.own_year)
    rendered_version = submission.version
    _import(
        ready.users["secretariat"],
        [_row(ready.own_year, board, "export", "", "9")],
        dry_run=False,
    )
    export = Indicator.objects.get(bloc_year=ready.own_year, code="export")
    with pytest.raises(services.StaleEditError):
        services.submission_save(
            submission=submission,
            actor=ready.users["board_officer"],
            expected_version=rendered_version,
            entries={export.pk: services.Entry(actual=D(1))},
        )


# Reports open with the year (issue 11) ----------------------------------------


def test_copying_the_catalogue_opens_every_members_report(world):
    """Issue 11: the import refused every row until "open reports for every
    member" had been run; the reports now open with the catalogue."""
    services.indicators_copy(bloc_year=world.own_year, actor=None)
    codes = set(world.own_year.indicators.values_list("code", flat=True))
    for board in world.own_boards:
        submission = Submission.objects.get(bloc_year=world.own_year, board=board)
        assert set(submission.values.values_list("indicator__code", flat=True)) == codes
    rows = [_row(world.own_year, world.own_boards[0], "export", "", "10")]
    result = _import(world.users["secretariat"], rows, dry_run=False)
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert _value(world.own_boards[0], "export", world.own_year).actual == D(10)


def test_import_says_once_to_open_reports_when_a_member_has_none(ready):
    """A board that joined after the reports opened has none: the whole file
    gets one message naming the action, not one refusal per row."""
    late = factories.board()
    bloc_services.membership_set(bloc_year=ready.own_year, board=late)
    rows = [
        _row(ready.own_year, ready.own_boards[0], "export", "", "10"),
        _row(ready.own_year, late, "export", "", "10"),
        _row(ready.own_year, late, "budget", "", "5"),
    ]
    result = _import(ready.users["secretariat"], rows, dry_run=False)
    assert not result.invalid_rows
    [error] = result.base_errors
    message = str(error.error)
    assert f"{ready.own.short_name} {ready.own_year.year}" in message
    assert "run “Open reports for every member”" in message
    assert _value(ready.own_boards[0], "export", ready.own_year).actual is None
    services.submissions_prepare(bloc_year=ready.own_year, actor=None)
    result = _import(ready.users["secretariat"], rows, dry_run=False)
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert _value(late, "budget", ready.own_year).actual == D(5)
