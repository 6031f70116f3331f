"""The import's preview of a large file: the counts of the whole file, every
refused row, and only the first changed rows (``PREVIEW_ROWS``); confirming
still imports every row, in one audited write per changed report."""

import re

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blocs.models import AuditEvent
from pledges.importexport import PREVIEW_ROWS
from pledges.models import Indicator, Value

HEADERS = ["bloc", "year", "board", "indicator", "plan", "actual"]
BLANK = ["", "", "", "", "", ""]


@pytest.fixture
def year(big_year):
    """1,008 values: 36 boards x 28 indicators (tests/pledges/conftest.py)."""
    return big_year


def _values(year, count: int) -> list[Value]:
    values = (
        Value.objects.filter(submission__bloc_year=year)
        .exclude(indicator__kind=Indicator.Kind.TEXT)
        .select_related("submission__board", "indicator")
        .order_by("submission__board__short_name", "indicator__order")
    )
    values = list(values[:count])
    assert len(values) == count
    return values


def _row(year, value: Value, actual: str) -> list:
    board, code = value.submission.board.short_name, value.indicator.code
    return [year.bloc.short_name, year.year, board, code, "", actual]


def _actual(value: Value, n: int) -> str:
    """An actual the board's form would accept for this indicator."""
    if value.indicator.kind == Indicator.Kind.BOOLEAN:
        return "1"
    if value.indicator.max_value is not None:
        return str(n % 100)
    return str(n + 1)


def _upload(client, rows):
    content = tablib.Dataset(*rows, headers=HEADERS).export("csv").encode()
    return client.post(
        reverse("admin:pledges_value_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("values.csv", content),
        },
    )


def _table_rows(page: str) -> list[str]:
    table = page.split('class="import-preview"')[1].split("</table>")[0]
    return re.findall(r"<tr[^>]*>\s*<td>(\d+)</td>", table)


def test_preview_of_300_rows_shows_counts_and_first_changed_rows_only(
    year, world, client_for
):
    values = _values(year, 300)
    # Rows 1-250 change their actual, 251-300 leave it empty (unchanged),
    # then two blank lines, as spreadsheets often end.
    rows = [_row(year, v, _actual(v, n)) for n, v in enumerate(values[:250])]
    rows += [_row(year, v, "") for v in values[250:]]
    rows += [BLANK, BLANK]
    client = client_for(world.users["secretariat"])

    preview = _upload(client, rows)

    assert preview.status_code == 200
    assert "confirm_form" in preview.context
    page = preview.content.decode()
    reports = len({v.submission_id for v in values[:250]})
    assert "Số dòng đã đọc: 302." in page
    assert f"Số dòng thay đổi số liệu: 250, thuộc {reports} báo cáo." in page
    assert "Số dòng không đổi: 50." in page
    assert "Số dòng trống được bỏ qua: 2." in page
    # The first PREVIEW_ROWS changed rows, each with its line of the file.
    assert _table_rows(page) == [str(n) for n in range(1, PREVIEW_ROWS + 1)]
    assert f"… và {250 - PREVIEW_ROWS} dòng khác không hiển thị." in page
    first = values[0]
    assert f"<td><ins>{_actual(first, 0)}</ins></td>" in page
    assert not Value.objects.filter(
        submission__bloc_year=year, actual__isnull=False
    ).exists()

    form = preview.context["confirm_form"]
    done = client.post(reverse("admin:pledges_value_process_import"), form.initial)

    assert done.status_code == 302
    assert done["Location"] == reverse("admin:pledges_value_changelist")
    stored = dict(
        Value.objects.filter(pk__in=[v.pk for v in values]).values_list("pk", "actual")
    )
    for n, value in enumerate(values[:250]):
        assert stored[value.pk] == int(_actual(value, n)), value.indicator.code
    assert all(stored[v.pk] is None for v in values[250:])
    # One audited write: an event per changed report, all of this import.
    events = AuditEvent.objects.filter(action="submission.import")
    assert events.count() == reports
    assert {e.object_id for e in events} == {str(v.submission_id) for v in values[:250]}
    assert sum(len(e.changes) for e in events) == 250


def test_preview_lists_every_refused_row_beyond_the_first_hundred(
    year, world, client_for
):
    values = _values(year, 300)
    rows = [_row(year, v, _actual(v, n)) for n, v in enumerate(values)]
    bad = list(range(1, 300, 2))  # 150 refused rows: more than PREVIEW_ROWS
    for index in bad:
        rows[index][5] = "abc"
    client = client_for(world.users["secretariat"])

    preview = _upload(client, rows)

    assert preview.status_code == 200
    assert "confirm_form" not in preview.context
    page = preview.content.decode()
    assert _table_rows(page) == [str(i + 1) for i in bad]
    assert page.count("“abc” không phải là số") == len(bad)
    assert "dòng khác không hiển thị" not in page
    assert not Value.objects.filter(
        submission__bloc_year=year, actual__isnull=False
    ).exists()
    assert not AuditEvent.objects.filter(action="submission.import").exists()


def test_preview_runs_as_many_queries_for_300_rows_as_for_30(year, world, client_for):
    values = _values(year, 300)
    client = client_for(world.users["secretariat"])

    def queries(count: int) -> int:
        rows = [_row(year, v, _actual(v, n)) for n, v in enumerate(values[:count])]
        with CaptureQueriesContext(connection) as context:
            assert _upload(client, rows).status_code == 200
        return len(context.captured_queries)

    queries(30)  # the session and the permissions cached once
    assert queries(300) == queries(30)


def test_a_file_that_changes_nothing_says_so(year, world, client_for):
    values = _values(year, 30)
    client = client_for(world.users["secretariat"])

    preview = _upload(client, [_row(year, v, "") for v in values])

    page = preview.content.decode()
    assert "Số dòng không đổi: 30." in page
    assert "Không dòng nào của tệp thay đổi số liệu" in page
    assert 'class="import-preview"' not in page
