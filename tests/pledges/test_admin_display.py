"""Issue 11, display and import: the import template, the return dialog's
figures, warnings that name their indicators, and figures in the admin as
their indicators write them (whole numbers, yes/no, years never grouped)."""

import io
import re

import openpyxl
import pytest
import tablib
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from pledges.importexport import TEMPLATE_HELP, ValueResource
from pledges.models import Indicator, Submission, Value
from tests.pledges.conftest import form_data, indicator, submission_of
from tests.pledges.test_import_export import _upload

IMPORT = "admin:pledges_value_import"
PROCESS = "admin:pledges_value_process_import"
TEMPLATE = "admin:pledges_value_import_template"
XLSX = "1"  # index of ValueAdmin.formats
HEADERS = ["bloc", "year", "board", "indicator", "plan", "actual"]


def _set(world, board, **figures):
    """Figures put in by an import as the secretariat: code=(plan, actual)."""
    year = world.own_year
    rows = [
        [year.bloc.short_name, year.year, board.short_name, code.replace("_", "-"), *pa]
        for code, pa in figures.items()
    ]
    result = ValueResource(user=world.users["secretariat"]).import_data(
        tablib.Dataset(*rows, headers=HEADERS), dry_run=False
    )
    assert not result.has_validation_errors()
    assert not result.has_errors()


def _figures(year) -> dict:
    return {
        (board, code): (plan, actual)
        for board, code, plan, actual in Value.objects.filter(
            submission__bloc_year=year
        ).values_list("submission__board", "indicator__code", "plan", "actual")
    }


# 1. The import template ----------------------------------------------------------


def test_template_downloads_prefilled_and_imports_back_unchanged(reporting, client_for):
    board = reporting.own_boards[0]
    _set(reporting, board, export=("2400", "2331.663"), task_reform=("", "1"))
    client = client_for(reporting.users["secretariat"])
    page = client.get(reverse(IMPORT))
    link = reverse(TEMPLATE, args=[reporting.own_year.pk])
    assert link in page.text
    assert reverse(TEMPLATE, args=[reporting.other_year.pk]) not in page.text
    for column, text in TEMPLATE_HELP.items():  # each column explained
        assert f"<code>{column}</code>" in page.text
        with translation.override("vi"):
            assert escape(str(text)) in page.text

    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "bloc",
        "year",
        "board",
        "board_name",
        "indicator",
        "indicator_name",
        "unit",
        "plan",
        "actual",
    ]
    data = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    indicators = Indicator.objects.filter(bloc_year=reporting.own_year)
    members = reporting.own_year.memberships.count()
    assert len(data) == members * indicators.count()
    export = indicators.get(code="export")
    by_key = {(r["board"], r["indicator"]): r for r in data}
    row = by_key[(board.short_name, "export")]
    assert row["bloc"] == reporting.own.short_name
    assert row["year"] == reporting.own_year.year  # a number, never 2.024
    assert row["board_name"] == board.name
    assert row["indicator_name"] == export.name
    assert row["unit"] == export.get_unit_display()
    assert (row["plan"], row["actual"]) == (2400, 2331.663)
    assert by_key[(board.short_name, "task-reform")]["actual"] == 1
    empty = by_key[(reporting.own_boards[1].short_name, "export")]
    assert (empty["plan"], empty["actual"]) == (None, None)

    before = _figures(reporting.own_year)
    preview = _upload(client, response.content, XLSX, "template.xlsx")
    result = preview.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert {row.import_type for row in result.valid_rows()} == {"skip"}
    form = preview.context["confirm_form"]
    assert client.post(reverse(PROCESS), dict(form.initial)).status_code == 302
    assert _figures(reporting.own_year) == before


@pytest.mark.parametrize(
    ("role", "status"),
    [("other_secretariat", 404), ("ministry", 404), ("superuser", 200)],
)
def test_template_only_for_who_may_import_into_the_year(
    reporting, client_for, role, status
):
    client = client_for(reporting.users[role])
    response = client.get(reverse(TEMPLATE, args=[reporting.own_year.pk]))
    assert response.status_code == status


def test_template_refused_to_officers_and_anonymous(reporting, client_for):
    url = reverse(TEMPLATE, args=[reporting.own_year.pk])
    for role in ("anonymous", "board_officer"):
        response = client_for(reporting.users[role]).get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


# 2. The return dialog ------------------------------------------------------------


def _action(client, action, submissions, **extra):
    data = {"action": action, "_selected_action": [s.pk for s in submissions], **extra}
    return client.post(reverse("admin:pledges_submission_changelist"), data)


def test_return_dialog_shows_names_and_the_boards_figures(reporting, client_for):
    board = reporting.own_boards[0]
    _set(
        reporting,
        board,
        export=("2400", "2470.7"),
        new_projects=("12", "10"),
        task_reform=("", "0"),
    )
    sub = submission_of(reporting, board)
    page = _action(
        client_for(reporting.users["secretariat"]), "return_for_correction", [sub]
    )
    assert page.status_code == 200
    labels = dict(
        re.findall(
            r'name="indicators" value="(\d+)"[^>]*>\s*(.*?)</label>',
            page.text,
            re.S,
        )
    )
    year = sub.bloc_year
    export = indicator(year, "export")
    assert (
        labels[str(export.pk)]
        == f"{export.name} (triệu USD) — thực hiện 2.470,7 / kế hoạch 2.400"
    )
    projects = indicator(year, "new-projects")
    assert labels[str(projects.pk)].endswith("— thực hiện 10 / kế hoạch 12")
    reform = indicator(year, "task-reform")
    assert labels[str(reform.pk)].startswith(reform.name)
    assert labels[str(reform.pk)].endswith("— Không")
    assert "new-projects" not in " ".join(labels.values())


# 3. Warnings name their indicators, once -----------------------------------------


def test_warning_names_its_indicators_once_by_name(reporting, client_for):
    own = submission_of(reporting, reporting.own_boards[2])
    client = client_for(reporting.users["board_officer"])
    data = form_data(
        own,
        export="400",
        plan__export="100",
        production_value="500",
        plan__production_value="100",
    )
    response = client.post(
        reverse("pledges:submission", args=[own.pk]), {**data, "action": "submit"}
    )
    assert response.status_code == 400
    export = indicator(own.bloc_year, "export").name
    production = indicator(own.bloc_year, "production-value").name
    rule = "Đạt trên 300% kế hoạch: hãy ghi chú để xác nhận số liệu và đơn vị tính."
    # In the catalogue's order, each by its name, the rule's message once.
    assert f"{production}; {export}: {rule}" in response.text
    assert response.text.count(rule) == 1
    assert "(export" not in response.text
    assert "hãy thêm ghi chú giải thích" not in response.text
    own.refresh_from_db()
    assert own.status == Submission.Status.DRAFT


# 4. Figures as their indicators write them ---------------------------------------


def test_review_page_writes_figures_as_their_kind(reporting, client_for):
    board = reporting.own_boards[0]
    _set(
        reporting,
        board,
        new_projects=("12", "10"),
        export=("", "2470.7"),
        task_reform=("", "1"),
    )
    sub = submission_of(reporting, board)
    client = client_for(reporting.users["secretariat"])
    page = client.get(reverse("admin:pledges_submission_change", args=[sub.pk]))
    assert page.status_code == 200
    text = page.text
    assert "10,0000" not in text
    assert "11.0000" not in text
    assert "new-projects:" not in text
    actual = re.findall(r'class="field-actual_shown">\s*<p>(.*?)</p>', text)
    plan = re.findall(r'class="field-plan_shown">\s*<p>(.*?)</p>', text)
    values = list(sub.values.select_related("indicator"))
    shown = {
        v.indicator.code: (p, a) for v, p, a in zip(values, plan, actual, strict=True)
    }
    assert shown["new-projects"] == ("12", "10")
    assert shown["export"] == ("—", "2.470,7")
    assert shown["task-reform"] == ("—", "Có")
    projects = indicator(sub.bloc_year, "new-projects").name
    assert f"{projects}: 10" in text


def test_value_list_writes_yes_no_and_whole_numbers(reporting, client_for):
    board = reporting.own_boards[0]
    _set(reporting, board, new_projects=("12", "10"), task_reform=("", "0"))
    client = client_for(reporting.users["secretariat"])
    page = client.get(
        reverse("admin:pledges_value_changelist"),
        {"q": "task-reform"},
    )
    cells = re.findall(r'class="field-actual_display">(.*?)</td>', page.text)
    assert cells
    assert set(cells) == {"—", "Không"}


def test_import_error_table_shows_cells_as_in_the_file(reporting, client_for):
    year = reporting.own_year
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append(
        [year.bloc.short_name, year.year, "no-such-board", "export", None, 1234.5]
    )
    out = io.BytesIO()
    book.save(out)
    page = _upload(
        client_for(reporting.users["secretariat"]), out.getvalue(), XLSX, "bad.xlsx"
    )
    assert page.context["result"].has_validation_errors()
    table = page.text.split('class="import-preview"')[1].split("</table>")[0]
    cells = re.findall(r"<td>(.*?)</td>", table)
    assert str(year.year) in cells
    assert "1.234,5" in cells
    assert "None" not in table
    assert f"{year.year // 1000}.{year.year % 1000:03d}" not in table
